"""The ``mobility`` command line: the composition root of every process."""
