"""mobility-catalog service: settings, database, catalogue queries, GraphQL API and CLI."""

__version__ = "0.1.0"
