"""Resolvers of the root ``Query`` fields (nested fields resolve on their types)."""
