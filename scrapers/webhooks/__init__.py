"""Webhooks: signing event bodies, delivering the outbox of ``service.operations``."""
