"""A merchant account's dashboard logins: list and remove (never yourself, never the account's last login)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from platen.accounts.models import Account, User
from platen.kit.errors import Conflict, NotFound


def logins(account: Account) -> QuerySet[User]:
    return User.objects.filter(account=account).order_by("username")


def remove_login(account: Account, user_id, by: User) -> User:
    with transaction.atomic():
        # Locking the account serialises removals, so two users removing each other cannot leave it with none.
        Account.objects.select_for_update().filter(pk=account.pk).first()
        user = logins(account).filter(pk=_int_or_none(user_id)).first()
        if user is None:
            raise NotFound("No such login in this account.", code="user_not_found")
        if user.pk == by.pk:
            raise Conflict("You cannot remove your own login; another user of the account can.", code="cannot_remove_self")
        if logins(account).count() <= 1:
            raise Conflict("This is the account's last login; invite someone else first.", code="last_login")
        user.delete()  # its sessions end with it: a session of a deleted user is anonymous
    return user


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
