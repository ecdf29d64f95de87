"""Who did something: recorded on every order event."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    kind: str  # api_key, user, system, channel, partner, carrier
    id: str = ""
    label: str = ""

    @classmethod
    def api_key(cls, api_key) -> Actor:
        return cls("api_key", api_key.prefix, api_key.name or f"API key {api_key.prefix}")

    @classmethod
    def user(cls, user) -> Actor:
        return cls("user", str(user.pk), user.get_username())

    @classmethod
    def channel(cls, name: str) -> Actor:
        return cls("channel", name, name)

    @classmethod
    def carrier(cls, code: str, label: str) -> Actor:
        """A carrier reporting on a parcel (through an aggregator's webhook or a poll): "FedEx via EasyPost"."""
        return cls("carrier", code, label)

    @classmethod
    def partner(cls, partner, label: str = "") -> Actor:
        """A print partner acting through its API key or its dashboard logins (label: e.g. who at the partner)."""
        return cls("partner", str(partner.pk), label or partner.name)

    @classmethod
    def system(cls, label: str = "Platen") -> Actor:
        return cls("system", "", label)
