"""The HTTP surface: the Starlette app, the GraphQL endpoint, GraphiQL, health checks."""
