"""GraphQL object, input and enum types (separate from the ORM models)."""
