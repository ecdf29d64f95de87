"""Inviting someone to an account's dashboard: an e-mail with a single-use link, valid for a week, to set a password.

The e-mail goes through the notifications outbox (queued in the same transaction, sent by a job, retried); the
kept copy in the Outbox leaves the link out, since the link alone is enough to join the account.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from platen.accounts import validation
from platen.accounts.models import Account, Invitation, User
from platen.accounts.services import as_uuid
from platen.accounts.tokens import invitation_token, token_hash
from platen.kit.errors import Conflict, NotFound
from platen.notifications import emails
from platen.notifications.statuses import EmailKind

VALID_FOR = timedelta(days=7)
MAX_OPEN = 20  # open invitations per account: enough for a team, not a way to send e-mail to anyone
RESEND_AFTER = timedelta(minutes=1)  # nor a way to flood one address


def open_invitations(account: Account) -> QuerySet[Invitation]:
    """Not yet accepted (expired ones included, so the list says they expired)."""
    return Invitation.objects.filter(account=account, accepted_at__isnull=True).select_related("invited_by")


def invite(account: Account, email: str, by: User | None) -> Invitation:
    """Raises InvalidRequest (not an address), Conflict (already a login, too many open invitations)."""
    email = validation.clean_email(email)
    validation.check_username_free(email, field="email")
    now = timezone.now()
    with transaction.atomic():
        Account.objects.select_for_update().filter(pk=account.pk).first()  # one count at a time
        earlier = open_invitations(account).filter(email__iexact=email)
        if earlier.filter(created_at__gt=now - RESEND_AFTER).exists():
            raise Conflict(f"An invitation went to {email} a moment ago; wait a minute before sending another.",
                           code="invitation_just_sent")
        earlier.delete()  # a new invitation to the same address replaces the old link
        if open_invitations(account).filter(expires_at__gt=now).count() >= MAX_OPEN:
            raise Conflict(f"This account already has {MAX_OPEN} open invitations; withdraw some first.", code="too_many_invitations")
        pk = uuid.uuid4()
        invitation = Invitation.objects.create(
            id=pk, account=account, email=email, token_hash=token_hash(invitation_token(pk)),
            invited_by=by, expires_at=now + VALID_FOR,
        )
        emails.queue(account.pk, EmailKind.INVITATION, to=email, context={
            "invitationId": str(pk), "accountName": account.name, "email": email,
            "invitedBy": by.get_username() if by else "", "validDays": VALID_FOR.days,
        })
    return invitation


def withdraw(account: Account, invitation_id) -> None:
    pk = as_uuid(invitation_id)
    deleted, _ = open_invitations(account).filter(pk=pk).delete() if pk else (0, {})
    if not deleted:
        raise NotFound("No such invitation in this account.", code="invitation_not_found")


def find_open(token: str) -> Invitation:
    """The invitation a link points at, while it can still be used."""
    found = Invitation.objects.select_related("account").filter(token_hash=token_hash(token or "")).first()
    if found is None or found.accepted_at is not None:
        raise NotFound("This invitation link was already used or withdrawn. Ask for a new invitation.", code="invitation_not_found")
    if found.expires_at <= timezone.now():
        raise NotFound("This invitation link has expired. Ask for a new invitation.", code="invitation_expired")
    return found


def accept(token: str, password: str) -> User:
    """Make the login (username: the invited address) and use up the link. Raises NotFound, InvalidRequest, Conflict."""
    invitation = find_open(token)
    validation.check_password(password)
    with transaction.atomic():
        # Claiming the row first makes the link single-use even when it is opened twice at once.
        claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(accepted_at=timezone.now())
        if not claimed:
            raise NotFound("This invitation link was already used. Log in with your password.", code="invitation_not_found")
        validation.check_username_free(invitation.email, field="email")
        return User.objects.create_user(username=invitation.email, email=invitation.email, password=password,
                                        account=invitation.account)
