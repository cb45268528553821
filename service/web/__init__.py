"""The ASGI application: ``create_app(settings)``, the GraphQL endpoint, health, GraphiQL."""
