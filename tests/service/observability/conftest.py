from tests.scratch import scratch_database, sessions

__all__ = ["scratch_database", "sessions"]
