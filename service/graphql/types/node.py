"""The ``Node`` interface (Relay global object identification) every cacheable type implements."""

from __future__ import annotations

import strawberry


@strawberry.interface(
    description="An object with a stable, opaque global id: normalised caches (Apollo "
    "Client, urql graphcache, Relay) key it by `id`, and `node(id:)` fetches it again."
)
class Node:
    # Named `global_id` in Python: several types keep their database id in a private `id`.
    @strawberry.field(
        name="id",
        description="Stable, opaque global id. Two objects with the same id are the same "
        "answer; do not parse it.",
    )
    def global_id(self) -> strawberry.ID:
        raise NotImplementedError  # every implementing type defines its own
