"""Webhooks: signing event bodies, delivering the outbox of ``service.operations``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.faces import lazy_face

if TYPE_CHECKING:
    from scrapers.webhooks.deliver import DeliveryPolicy, create_webhook_client, webhook_tick

__all__ = [
    "DeliveryPolicy",
    "create_webhook_client",
    "webhook_tick",
]

__getattr__ = lazy_face(__name__, __file__)
