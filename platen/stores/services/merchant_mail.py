"""An e-mail to the merchant about their store (a privacy request's report, a cancellation that came too late).

Written and rendered here, sent through the outbox like every e-mail (queued in the caller's transaction, kept as
an OutboxMessage the Outbox page shows). It goes where the account routes "needs action" e-mails.
"""

from __future__ import annotations

from django.utils.html import escape

from platen.jobs import enqueue
from platen.notifications import emails
from platen.notifications import tasks as notification_tasks
from platen.notifications.models import OutboxMessage
from platen.notifications.statuses import EmailKind


def send(account_id, subject: str, text: str, *, order=None, context: dict | None = None) -> OutboxMessage | None:
    """Queue the e-mail (`text`: paragraphs separated by blank lines); None when the account switched these off."""
    to = emails.recipient(account_id, EmailKind.NEEDS_ACTION)
    if to is None:
        return None
    html = "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in text.strip().split("\n\n"))
    message = OutboxMessage.objects.create(
        account_id=account_id, order=order, kind=EmailKind.NEEDS_ACTION, to=to, context=context or {},
        subject=subject[:255], body_text=text.strip() + "\n", body_html=html,
    )
    enqueue(notification_tasks.send_email, str(message.pk))
    return message
