"""Database layer: declarative base, models, engines and sessions, migrations."""
