"""The GraphQL schema: types, per-request loaders and context, the schema builder, the SDL."""
