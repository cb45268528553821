"""Catalogue read queries shared by the GraphQL API and the command line."""
