"""E-mails: who gets which (EmailRoute), queued in the caller's transaction, sent by a job, kept in the outbox.

Sending goes through Django's e-mail framework: SMTP when PLATEN_EMAIL_URL is set, files in the data folder
otherwise. Every message is also kept as an OutboxMessage row, rendered, so the Outbox page shows what was
sent with either backend. Sending is at least once: a crash between the SMTP answer and the commit sends again.
"""

from __future__ import annotations

import json
import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from platen.accounts.models import Account
from platen.accounts.tokens import invitation_token
from platen.jobs import enqueue
from platen.kit.actors import Actor
from platen.notifications import tasks
from platen.notifications.models import EmailRoute, OutboxMessage
from platen.notifications.payloads import TRACKING_CODE_UPDATED
from platen.notifications.statuses import (
    ACCOUNT_EVENTS, ALERT_KINDS, EMAIL_SENT, KIND_LABELS, ON_BY_DEFAULT, ROUTED_KINDS, TEST_EVENT, EmailKind, MessageStatus,
    PostbackEvent,
)
from platen.orders import events as history
from platen.orders import fields
from platen.orders.models import Package

log = logging.getLogger("platen.email")
ACTOR = Actor.system("e-mail")
MAX_TRIES = 6
SEND_ERRORS = (smtplib.SMTPException, OSError)  # OSError: refused, unreachable, timed out


# Who gets what ---------------------------------------------------------------------------------------------

def recipient(account_id, kind: EmailKind) -> str | None:
    """The address for this kind of e-mail, or None when the account switched it off."""
    route = EmailRoute.objects.filter(account_id=account_id, kind=kind).first()
    if (route.enabled if route is not None else kind in ON_BY_DEFAULT) is False:
        return None
    if route is not None and route.address:
        return route.address
    return Account.objects.filter(pk=account_id).values_list("email", flat=True).first() or None


def routes(account: Account) -> list[dict]:
    saved = {r.kind: r for r in EmailRoute.objects.filter(account=account)}
    return [{
        "kind": kind, "label": KIND_LABELS[kind], "address": saved[kind].address if kind in saved else "",
        "enabled": saved[kind].enabled if kind in saved else kind in ON_BY_DEFAULT, "default": account.email,
    } for kind in ROUTED_KINDS]


def set_route(account: Account, kind: EmailKind, address: str, enabled: bool) -> None:
    EmailRoute.objects.update_or_create(account=account, kind=EmailKind(kind), defaults={"address": address, "enabled": enabled})


# Queue and send --------------------------------------------------------------------------------------------

def queue(account_id, kind: EmailKind, *, order=None, context: dict, to: str | None = None) -> OutboxMessage | None:
    """Call inside the transaction of the change the e-mail is about; it is sent only if that commits.
    `to` is for e-mails to a person rather than to the account (an invitation); otherwise the route decides."""
    to = recipient(account_id, kind) if to is None else to
    if to is None:
        return None
    message = OutboxMessage.objects.create(account_id=account_id, order=order, kind=kind, to=to, context=context)
    enqueue(tasks.send_email, str(message.pk))
    return message


def send(message_id) -> None:
    """The e-mail job: render, send, mark sent and note it in the order's history."""
    m = OutboxMessage.objects.select_related("order").filter(pk=message_id).first()
    if m is None or m.status != MessageStatus.QUEUED:
        return
    if not m.subject:
        m.subject, m.body_text, m.body_html = render(m.kind, _context(m))
        OutboxMessage.objects.filter(pk=m.pk).update(subject=m.subject, body_text=m.body_text, body_html=m.body_html)
    sent = render(m.kind, _private_context(m)) if m.kind in PRIVATE_LINK_KINDS else (m.subject, m.body_text, m.body_html)
    try:
        _send(m.to, *sent)
    except SEND_ERRORS as exc:
        _failed_try(m, exc)
        return
    with transaction.atomic():
        sent = OutboxMessage.objects.filter(pk=m.pk, status=MessageStatus.QUEUED).update(
            status=MessageStatus.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1, error="")
        if sent and m.order_id:
            history.save_all([history.event(m.order, EMAIL_SENT, ACTOR, reason=f"E-mail “{m.subject}” sent to {m.to}.",
                                            params={"kind": m.kind, "to": m.to, "messageId": str(m.pk)})])
    log.info("e-mail sent", extra={"message_id": m.pk, "kind": m.kind, "order_id": m.order_id})


def _failed_try(m: OutboxMessage, exc: Exception) -> None:
    error = f"{exc.__class__.__name__}: {exc}"
    give_up = m.attempts + 1 >= MAX_TRIES or isinstance(exc, smtplib.SMTPRecipientsRefused)
    # The next try is a new job rather than a Retry, so this bookkeeping commits with it.
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=m.pk).update(
            attempts=F("attempts") + 1, error=error, status=MessageStatus.FAILED if give_up else MessageStatus.QUEUED)
        if not give_up:
            enqueue(tasks.send_email, str(m.pk), delay=timedelta(minutes=2 ** m.attempts))
    log.warning("e-mail not sent", extra={"message_id": m.pk, "error": error, "gave_up": give_up})


def send_postback(delivery, body: str) -> tuple[str, bool]:
    """An event for an e-mail endpoint: send it now and keep the copy. Returns (error, permanent)."""
    event = delivery.event
    subject, text, html = render(EmailKind.POSTBACK, postback_context(event.type, json.loads(body), event.order))
    copy = OutboxMessage(account_id=delivery.endpoint.account_id, order_id=event.order_id, kind=EmailKind.POSTBACK,
                         to=delivery.endpoint.address, context={"deliveryId": str(delivery.pk)},
                         subject=subject, body_text=text, body_html=html, attempts=1)
    try:
        _send(copy.to, subject, text, html)
    except SEND_ERRORS as exc:
        copy.status, copy.error = MessageStatus.FAILED, f"{exc.__class__.__name__}: {exc}"
        copy.save()
        return copy.error, isinstance(exc, smtplib.SMTPRecipientsRefused)
    copy.status, copy.sent_at = MessageStatus.SENT, timezone.now()
    copy.save()
    return "", False


def postback_context(event_type: str, payload: dict, order=None) -> dict:
    """An event as a person reads it: one sentence, the order and its status now, a link (no JSON)."""
    ref = payload.get("orderReferenceId") or (order.order_reference_id if order else "")
    item = payload.get("itemReferenceId")
    status = _human(payload.get("status") or payload.get("fulfillmentStatus"))
    if event_type == PostbackEvent.ORDER_STATUS_UPDATED:
        subject = sentence = f"Order {ref} is now {status}"
    elif event_type == PostbackEvent.ORDER_ITEM_STATUS_UPDATED:
        subject = f"Order {ref}: item {item} is now {status}"
        sentence = f"Item {item} of order {ref} is now {status}" + (f": {payload['comment']}" if payload.get("comment") else "")
    elif event_type == PostbackEvent.ORDER_ITEM_TRACKING_CODE_UPDATED:
        method = payload.get("shipmentMethodName")
        subject = f"Order {ref}: tracking code for item {item}"
        sentence = (f"Item {item} of order {ref} ships{f' with {method}' if method else ''}; "
                    f"its tracking code is {payload.get('trackingCode') or 'not known yet'}")
    elif event_type == PostbackEvent.ORDER_DELIVERY_ESTIMATE_UPDATED:
        subject = f"Order {ref}: new delivery estimate"
        sentence = (f"Order {ref} is expected to arrive between {payload.get('minDeliveryDate') or '?'} "
                    f"and {payload.get('maxDeliveryDate') or '?'}")
    elif event_type in ACCOUNT_EVENTS:
        verb = {PostbackEvent.STORE_PRODUCT_CREATED: "was added", PostbackEvent.STORE_PRODUCT_UPDATED: "was updated",
                PostbackEvent.STORE_PRODUCT_DELETED: "was removed"}[event_type]
        subject = f"Store product {payload.get('title') or payload.get('productId')} {verb}"
        open_variants = sum(v.get("connectionStatus") == "not_connected" for v in payload.get("variants") or [])
        sentence = subject + (f"; {open_variants} of its variants are not connected" if open_variants else "")
    elif event_type == TEST_EVENT:
        subject, sentence = "Platen test postback", "This is a test postback from Platen: this address receives the events you chose"
    else:
        subject = sentence = f"Order {ref}: {_human(event_type)}"
    return {
        "event": event_type, "postbackSubject": subject, "sentence": sentence + ".", "orderReferenceId": ref,
        "orderStatus": _human(order.fulfillment_status) if order else "",
        "trackingUrl": payload.get("trackingUrl") or "", "eventId": payload.get("id", ""),
        "orderUrl": settings.PLATEN.base_url + reverse("dashboard:order", args=[order.pk]) if order else "",
    }


def _human(status) -> str:
    return str(status or "").replace("_", " ")


def _send(to: str, subject: str, text: str, html: str) -> None:
    message = EmailMultiAlternatives(subject, text, settings.PLATEN.email_from, [to])
    message.attach_alternative(html, "text/html")
    message.send()


# Rendering -------------------------------------------------------------------------------------------------

def render(kind: EmailKind, context: dict) -> tuple[str, str, str]:
    subject = _subject(kind, context)
    context = {**context, "subject": subject}
    template = "progress" if kind in PROGRESS_KINDS else "alert" if kind in ALERT_KINDS else kind
    return (subject, render_to_string(f"notifications/email/{template}.txt", context).strip() + "\n",
            render_to_string(f"notifications/email/{template}.html", context))


def _subject(kind: EmailKind, c: dict) -> str:
    ref = c.get("orderReferenceId", "")
    if kind == EmailKind.NEEDS_ACTION:
        return f"Order {ref} needs your action: {_human(c.get('status'))}"
    if kind == EmailKind.NOT_CONNECTED:
        count = len(c.get("items") or [])
        return f"Order {ref} needs your action: {count} item{'s' if count != 1 else ''} not connected"
    if kind in PROGRESS_SUBJECTS:
        return PROGRESS_SUBJECTS[kind].format(ref=ref)
    if kind == EmailKind.ENDPOINT_DISABLED:
        return f"Postbacks to {c.get('url')} were stopped"
    if kind == EmailKind.STORE_AUTH_FAILED:
        return f"Your store {c.get('storeName')} stopped syncing: reconnect it"
    if kind in ALERT_KINDS:
        return c.get("title") or "Platen alert"
    if kind == EmailKind.INVITATION:
        return f"You are invited to {c.get('accountName')} on Platen"
    if c.get("event") == "webhook_test":
        return "Platen test postback"
    return c.get("postbackSubject") or f"{c.get('event')} for order {ref}".strip()


# An order's steps (received, then after its checks): one template (progress.*), its sentence and links chosen by kind.
PROGRESS_SUBJECTS = {
    EmailKind.RECEIVED: "Order {ref} was received",
    EmailKind.CANCELED: "Order {ref} was canceled",
    EmailKind.PRINTED: "Order {ref} is printed",
    EmailKind.SHIPPED: "Order {ref} has shipped",
    EmailKind.IN_TRANSIT: "Order {ref} is on its way",
    EmailKind.DELIVERED: "Order {ref} was delivered",
    EmailKind.RETURNED: "Order {ref} is being returned to the sender",
}
PROGRESS_KINDS = frozenset(PROGRESS_SUBJECTS)
# Kinds whose e-mail lists the parcels with their carrier and tracking links.
WITH_TRACKING = frozenset({EmailKind.SHIPPED, EmailKind.IN_TRANSIT, EmailKind.DELIVERED, EmailKind.RETURNED})


# E-mails whose link alone grants access: the link is put in the e-mail sent, never in the copy kept in the outbox.
PRIVATE_LINK_KINDS = frozenset({EmailKind.INVITATION})


def _private_context(m: OutboxMessage) -> dict:
    c = _context(m)
    if m.kind == EmailKind.INVITATION:
        c["invitationUrl"] = settings.PLATEN.base_url + reverse("dashboard:invitation", args=[invitation_token(c["invitationId"])])
    return c


def _context(m: OutboxMessage) -> dict:
    """The captured context plus links, and for a shipped order the tracking known when sending."""
    c = dict(m.context)
    base = settings.PLATEN.base_url
    if m.order_id:
        c["orderUrl"] = base + reverse("dashboard:order", args=[m.order_id])
    if m.kind == EmailKind.NEEDS_ACTION:
        names = fields.names_from_items(m.order.items.prefetch_related("files")) if m.order_id else {}
        c["problems"] = fields.readable(c.get("problems") or [], names)
    if m.kind == EmailKind.NOT_CONNECTED and m.order_id:
        c["completeUrl"] = base + reverse("dashboard:order_complete", args=[m.order_id])
    if m.kind == EmailKind.ENDPOINT_DISABLED:
        c["postbacksUrl"] = base + reverse("dashboard:postback", args=[c.get("endpointId")])
    if m.kind in PROGRESS_KINDS and m.order_id:
        c.update(progress_context(m.order, EmailKind(m.kind), c))
    return c


def progress_context(order, kind: EmailKind, captured: dict) -> dict:
    """What a step's e-mail says, read when it is sent: the parcels (carrier, service, tracking link), the
    delivery estimate, who receives it, and for a return why (the carrier's word, else the history's reason)."""
    parcels = parcels_of(order) if kind in WITH_TRACKING else []
    address = order.shipping_address
    why = next((p["problem"] for p in parcels if p["problem"]), "") or captured.get("reason", "")
    carriers = {p["carrier"] for p in parcels if p["carrier"]}
    return {
        "kind": str(kind), "parcels": parcels,
        "carrier": carriers.pop() if len(carriers) == 1 else "",  # named in the sentence when there is one
        "recipientName": f"{address.first_name} {address.last_name}".strip(), "city": address.city,
        "estimate": estimate_words(order) if kind in (EmailKind.PRINTED, EmailKind.SHIPPED, EmailKind.IN_TRANSIT) else "",
        "why": why if kind in (EmailKind.RETURNED, EmailKind.CANCELED) else "",
    }


def parcels_of(order) -> list[dict]:
    """The order's parcels as an e-mail lists them, then tracking codes the history names that no parcel holds."""
    parcels = [{"carrier": p.carrier_name, "service": p.service_name, "code": p.tracking_code, "url": p.tracking_url,
                "problem": p.exception_message} for p in Package.objects.filter(order=order).order_by("shipped_at", "id")]
    known = {p["code"] for p in parcels}
    for e in order.events.filter(type=TRACKING_CODE_UPDATED).order_by("id"):
        p = e.params or {}
        if p.get("trackingCode") and p["trackingCode"] not in known:
            known.add(p["trackingCode"])
            parcels.append({"carrier": p.get("carrier") or "", "service": p.get("shipmentMethodName") or "",
                            "code": p["trackingCode"], "url": p.get("trackingUrl") or "", "problem": ""})
    return parcels


def estimate_words(order) -> str:
    """The delivery estimate as a person reads it ("between 3 and 5 December 2026"), or empty."""
    low, high = order.min_delivery_date, order.max_delivery_date
    return dates_words(low, high) if low and high else ""


def dates_words(low, high) -> str:
    last = f"{high.day} {high:%B %Y}"
    if low == high:
        return f"on {last}"
    first = f"{low.day}" if (low.year, low.month) == (high.year, high.month) else \
        f"{low.day} {low:%B}" if low.year == high.year else f"{low.day} {low:%B %Y}"
    return f"between {first} and {last}"
