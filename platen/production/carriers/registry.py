"""Every provider by name: TrackingSource.kind names a webhook source, Carrier.poll_client a poll client."""

from __future__ import annotations

from platen.production.carriers.aftership import AfterShip
from platen.production.carriers.base import Provider
from platen.production.carriers.easypost import EasyPost
from platen.production.carriers.shippo import Shippo

PROVIDERS: dict[str, Provider] = {p.name: p for p in (EasyPost(), AfterShip(), Shippo())}
WEBHOOK_SOURCES = ("easypost", "aftership")
POLL_CLIENTS = ("shippo",)


def provider(name: str) -> Provider:
    try:
        return PROVIDERS[name]
    except KeyError:
        raise LookupError(f"No tracking provider is called {name!r}; known: {', '.join(sorted(PROVIDERS))}.") from None
