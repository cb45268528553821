"""Read queries over the catalogue: plain selects returning records, batch functions for loaders.

Every function takes an ``AsyncSession`` and never commits. Batch functions take many keys and
run one statement whatever their number, so the number of statements a GraphQL query costs
depends on its shape, not on the size of the catalogue.
"""
