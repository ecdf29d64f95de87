"""Creating and finding print partners (the CLI and the network loader use these)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from platen.accounts.services import as_uuid
from platen.kit.errors import Conflict, Detail, InvalidRequest, NotFound
from platen.production.models import Partner

NAME_MAX = Partner._meta.get_field("name").max_length


def create_partner(name: str, email: str = "") -> Partner:
    """Raises InvalidRequest (no name, too long) or Conflict (the name is taken), changing nothing."""
    name = " ".join((name or "").split())
    if not name or len(name) > NAME_MAX:
        raise InvalidRequest("Give the partner a name of at most 200 characters.", [Detail("name", "Enter a name.")])
    if Partner.objects.filter(name__iexact=name).exists():
        raise Conflict(f"A partner named “{name}” already exists; choose another name.", code="partner_name_taken")
    try:
        with transaction.atomic():
            return Partner.objects.create(name=name, email=email or "")
    except IntegrityError:  # the same name, taken between the check and the insert
        raise Conflict(f"A partner named “{name}” already exists; choose another name.", code="partner_name_taken") from None


def find_partner(id_or_name: str) -> Partner:
    """By id, or by name (any letter case)."""
    uid = as_uuid(id_or_name)
    partner = Partner.objects.filter(pk=uid).first() if uid else None
    partner = partner or Partner.objects.filter(name__iexact=(id_or_name or "").strip()).first()
    if partner is None:
        raise NotFound(f"No partner has the id or name {id_or_name}.", code="partner_not_found")
    return partner
