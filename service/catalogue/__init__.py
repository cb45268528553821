"""Catalogue read queries: what the API serves, batch-loadable and in key order."""
