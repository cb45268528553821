"""The compiled read path: catalogue selections answered by one SQL statement per root field.

See docs/decisions/0080-compiled-read-path.md. ``ReadCompiler`` is the entry point; the
relation table (``relations``) says how each field is read.
"""

from service.graphql.compiler.run import ReadCompiler

__all__ = ["ReadCompiler"]
