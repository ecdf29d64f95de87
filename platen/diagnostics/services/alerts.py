"""Alerts: a condition worth a merchant's attention, told once (e-mail and postback) while it lasts, resolved when
it ends. One Alert row per open condition (unique (account, kind, key) while open) is what makes "once".

The rules, kept simple on purpose (sweep() checks them all; the job diagnostics.alerts-sweep runs it every 10 min):

- store_sync_alert, key "auth:<store>": the store refused Platen's token. Opened by the hook
  `store_auth_failed` in the transaction that made the store auth_failed (stores.services.alerts already e-mails
  the merchant, so this sends the postback only); resolved when the store is no longer auth_failed.
- store_sync_alert, key "webhooks:<store>": an active store that received webhooks before has received none for
  longer than max(WEBHOOK_SILENCE_MIN, WEBHOOK_SILENCE_FACTOR x its usual gap between webhooks (the median of
  the last WEBHOOK_SAMPLE deliveries)) while pulls found at least PULLED_MIN orders first seen since the last
  webhook. Resolved when a webhook arrives again (or the store stops being active). E-mail and postback.
- order_stuck, key "status:<status>": orders sit in a status Platen or the print partner moves on (STUCK_WATCHED)
  longer than max(STUCK_MIN, STUCK_FACTOR x p90) where p90 is the 90th percentile of how long the account's
  orders stayed in that status, of the stays that ended during the last HISTORY (at least MIN_SAMPLES stays, else
  no rule). Both come from the StatusSpan rollup (finished spans for the normal, open ones for the stuck orders),
  not the order history: a sweep is a few queries per account however long the history. One alert per status
  listing the orders; resolved when none is stuck there. E-mail and postback.
- failure_rate, key "failure_rate": today's (UTC) share of the account's new orders that failed is at least
  FAILURE_MIN_SHARE, at least twice the previous 7 days' share and FAILURE_MIN_JUMP above it, with at least
  FAILURE_MIN_ORDERS orders today. Resolved when that no longer holds. E-mail (there is no postback event for it).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from platen.accounts.models import Account
from platen.diagnostics.models import Alert, StatusSpan
from platen.kit.actors import Actor
from platen.kit.errors import NotFound
from platen.notifications import dispatch, emails
from platen.notifications.statuses import EmailKind, PostbackEvent
from platen.orders import events
from platen.orders.models import Order, OrderEvent
from platen.orders.statuses import Fulfillment
from platen.stores.models import Store, StoreOrder, StoreWebhook
from platen.stores.statuses import SeenVia, StoreStatus

log = logging.getLogger("platen.diagnostics.alerts")

STORE_SYNC = "store_sync_alert"
ORDER_STUCK = "order_stuck"
FAILURE_RATE = "failure_rate"

WEBHOOK_SILENCE_MIN = timedelta(hours=2)
WEBHOOK_SILENCE_FACTOR = 10
WEBHOOK_SAMPLE = 200
PULLED_MIN = 2

STUCK_WATCHED = (Fulfillment.RECEIVED, Fulfillment.UPLOADING, Fulfillment.PASSED, Fulfillment.CREATED,
                 Fulfillment.IN_PRODUCTION, Fulfillment.PRINTED, Fulfillment.PACKAGED, Fulfillment.SHIPPED,
                 Fulfillment.IN_TRANSIT)
STUCK_FACTOR = 3
STUCK_MIN = timedelta(hours=1)
HISTORY = timedelta(days=30)
MIN_SAMPLES = 10
STUCK_LISTED = 50

FAILURE_MIN_ORDERS = 10
FAILURE_MIN_SHARE = 0.2
FAILURE_MIN_JUMP = 0.1

STATUS_WORDS = {Fulfillment.RECEIVED: "received (checks not finished)", Fulfillment.UPLOADING: "uploading files",
                Fulfillment.PASSED: "passed its checks", Fulfillment.CREATED: "sent to the print partner",
                Fulfillment.IN_PRODUCTION: "in production", Fulfillment.PRINTED: "printed",
                Fulfillment.PACKAGED: "packaged", Fulfillment.SHIPPED: "shipped", Fulfillment.IN_TRANSIT: "in transit"}
STUCK_TODO = {
    Fulfillment.RECEIVED: "Open the orders: their checks may be waiting for print files that cannot be downloaded. "
                          "Fix the file links or reprocess the orders.",
    Fulfillment.UPLOADING: "Open the orders and check that their print files can be downloaded; reprocess them once fixed.",
    Fulfillment.SHIPPED: "The carrier has not reported progress: open the tracking links, and contact the carrier "
                         "if the parcels have not moved.",
    Fulfillment.IN_TRANSIT: "The carrier has not reported progress: open the tracking links, and contact the carrier "
                            "if the parcels have not moved.",
}
STUCK_TODO_DEFAULT = ("The print partner has not moved these orders on: open them to see their history, and contact "
                      "Platen support with the order numbers if they do not move today.")


def _url(name: str, *args) -> str:
    return settings.PLATEN.base_url + reverse(name, args=args)


# --- Opening and resolving -------------------------------------------------------------------------------------


def _open(account_id, kind: str, key: str, *, message: str, todo: str, details: dict, store: Store | None = None,
          email: EmailKind | None = None, postback: PostbackEvent | None = None, title: str = "",
          action: tuple[str, str] | None = None, items: list[str] | None = None) -> Alert | None:
    """Open the alert unless it is open already; tell the merchant in the same transaction. None: was open."""
    if Alert.objects.filter(account_id=account_id, kind=kind, key=key, resolved_at__isnull=True).exists():
        return None
    try:
        with transaction.atomic():
            alert = Alert.objects.create(account_id=account_id, store=store, kind=kind, key=key, opened_at=timezone.now(),
                                         message=f"{message} What to do: {todo}", details=details)
            if email is not None:
                emails.queue(account_id, email, context={
                    "title": title, "message": message, "todo": todo, "items": items or [],
                    "actionLabel": action[0] if action else "", "actionUrl": action[1] if action else "",
                    "alertId": str(alert.pk)})
            if postback is not None:
                dispatch.account_event(account_id, postback, _payload(alert, "opened", message, todo))
    except IntegrityError:  # opened meanwhile by another sweep
        return None
    log.info("alert opened", extra={"account_id": account_id, "kind": kind, "key": key})
    return alert


def _resolve(alert: Alert, postback: PostbackEvent | None, message: str) -> None:
    with transaction.atomic():
        if not Alert.objects.filter(pk=alert.pk, resolved_at__isnull=True).update(resolved_at=timezone.now()):
            return
        if postback is not None:
            dispatch.account_event(alert.account_id, postback, _payload(alert, "resolved", message, ""))
    log.info("alert resolved", extra={"account_id": alert.account_id, "kind": alert.kind, "key": alert.key})


def _payload(alert: Alert, state: str, message: str, todo: str) -> dict:
    return {"alert": {"id": str(alert.pk), "state": state, "kind": alert.kind, "storeId": str(alert.store_id) if alert.store_id else None,
                      "message": message, "whatToDo": todo, "openedAt": alert.opened_at.isoformat(), "details": alert.details}}


def _open_alerts(kind: str, prefix: str):
    return Alert.objects.filter(kind=kind, key__startswith=prefix, resolved_at__isnull=True)


def sweep(now: datetime | None = None) -> None:
    now = now or timezone.now()
    store_auth(now)
    webhooks_silent(now)
    for account_id in Account.objects.values_list("pk", flat=True):
        orders_stuck(account_id, now)
        failure_rate(account_id, now)


# --- Store sync: authentication ------------------------------------------------------------------------------------


def store_auth_failed(store: Store) -> None:
    """Hook from stores.services.alerts (the store e-mail is sent there): the Alert row and the postback."""
    from platen.stores.services.setup import label

    message = (f"{label(store.platform)} refused Platen's access token for your store {store}: its orders are not "
               "imported until it is reconnected.")
    todo = (f"Copy a new access token from the app you connected in {label(store.platform)}, then open the store in "
            "Platen and Reconnect with it.")
    _open(store.account_id, STORE_SYNC, f"auth:{store.pk}", store=store, message=message, todo=todo,
          details={"reason": "auth_failed", "since": store.status_changed_at.isoformat(), "storeUrl": _url("dashboard:store", store.pk)},
          postback=PostbackEvent.STORE_SYNC_ALERT)


def store_auth(now: datetime) -> None:
    for store in Store.objects.filter(status=StoreStatus.AUTH_FAILED):
        store_auth_failed(store)
    for alert in _open_alerts(STORE_SYNC, "auth:").select_related("store"):
        if alert.store is None or alert.store.status != StoreStatus.AUTH_FAILED:
            _resolve(alert, PostbackEvent.STORE_SYNC_ALERT, "The store is connected again (or was disconnected).")


# --- Store sync: webhooks silent ---------------------------------------------------------------------------------


def silence_limit(store: Store) -> timedelta:
    """How long without webhooks is far longer than usual for this store."""
    times = sorted(StoreWebhook.objects.filter(store=store).order_by("-received_at")
                   .values_list("received_at", flat=True)[:WEBHOOK_SAMPLE])
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:])]
    usual = timedelta(seconds=median(gaps)) if gaps else timedelta(0)
    return max(WEBHOOK_SILENCE_MIN, usual * WEBHOOK_SILENCE_FACTOR)


def _webhooks_silent(store: Store, now: datetime) -> tuple[bool, int, timedelta]:
    if store.status != StoreStatus.ACTIVE or store.last_webhook_at is None:
        return False, 0, timedelta(0)
    limit = silence_limit(store)
    if now - store.last_webhook_at <= limit:
        return False, 0, limit
    pulled = StoreOrder.objects.filter(store=store, seen_via=SeenVia.PULL, first_seen_at__gt=store.last_webhook_at).count()
    return pulled >= PULLED_MIN, pulled, limit


def webhooks_silent(now: datetime) -> None:
    from platen.stores.services.setup import label

    for store in Store.objects.filter(status=StoreStatus.ACTIVE, last_webhook_at__isnull=False):
        silent, pulled, limit = _webhooks_silent(store, now)
        if not silent:
            continue
        hours = (now - store.last_webhook_at).total_seconds() / 3600
        message = (f"Your store {store} has sent Platen no order notifications for {hours:.0f} hours (usually it is at "
                   f"most {limit.total_seconds() / 3600:.0f}), while Platen's regular checks found {pulled} new orders in the "
                   f"meantime. Orders still arrive, but up to {store.pull_interval_minutes} minutes late.")
        todo = (f"In {label(store.platform)}, check that the Platen app is still installed and its order notifications "
                "(webhooks) exist; then open the store in Platen and Reconnect it, which registers them again.")
        _open(store.account_id, STORE_SYNC, f"webhooks:{store.pk}", store=store, message=message, todo=todo,
              title=f"Your store {store} stopped sending order notifications", email=EmailKind.STORE_SYNC_ALERT,
              postback=PostbackEvent.STORE_SYNC_ALERT, action=("Open the store", _url("dashboard:store", store.pk)),
              details={"reason": "webhooks_silent", "lastWebhookAt": store.last_webhook_at.isoformat(), "pulledSince": pulled})
    for alert in _open_alerts(STORE_SYNC, "webhooks:").select_related("store"):
        if alert.store is None or not _webhooks_silent(alert.store, now)[0]:
            _resolve(alert, PostbackEvent.STORE_SYNC_ALERT, "The store sends order notifications again.")


# --- Orders stuck --------------------------------------------------------------------------------------------------


def normal_stays(account_id, now: datetime) -> dict[str, timedelta]:
    """Per watched status with at least MIN_SAMPLES stays that ended during HISTORY: the p90 of those stays, from
    the finished StatusSpans (one count for all statuses, then one row per status that has enough)."""
    finished = StatusSpan.objects.filter(account_id=account_id, status__in=STUCK_WATCHED, left_at__gte=now - HISTORY)
    counts = dict(finished.values("status").annotate(n=Count("id")).values_list("status", "n"))
    normal = {}
    for status, n in counts.items():
        if n >= MIN_SAMPLES:
            rank = min(n - 1, int(0.9 * n))  # the 90th percentile as it always was here
            seconds = finished.filter(status=status).order_by("seconds").values_list("seconds", flat=True)[rank]
            normal[status] = timedelta(seconds=seconds)
    return normal


def orders_stuck(account_id, now: datetime) -> None:
    normal_by_status = normal_stays(account_id, now)
    for status in STUCK_WATCHED:
        key = f"status:{status}"
        normal = normal_by_status.get(status)
        stuck = []
        if normal is not None:
            limit = max(STUCK_MIN, normal * STUCK_FACTOR)
            # Orders in the status now: their open span, entered before the limit.
            stuck = list(StatusSpan.objects.filter(account_id=account_id, status=status, left_at__isnull=True,
                                                   entered_at__lt=now - limit)
                         .order_by("entered_at").values_list("order_id", "order__order_reference_id", "entered_at"))
        if stuck:
            _open_stuck(account_id, status, stuck, normal, limit, now)
        else:
            for alert in Alert.objects.filter(account_id=account_id, kind=ORDER_STUCK, key=key, resolved_at__isnull=True):
                _resolve(alert, PostbackEvent.ORDER_STUCK, f"No order is stuck {STATUS_WORDS[status]} any longer.")


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:.0f} hours" if hours >= 2 else f"{span.total_seconds() / 60:.0f} minutes"


def _open_stuck(account_id, status: str, stuck: list, normal: timedelta, limit: timedelta, now: datetime) -> None:
    words = STATUS_WORDS[status]
    count = len(stuck)
    message = (f"{count} order{'s have' if count != 1 else ' has'} been {words} for longer than {_hours(limit)}; normally "
               f"9 in 10 orders leave this status within {_hours(normal)}.")
    items = [f"Order {ref or pk}: {words} since {at:%d %b %Y %H:%M} UTC" for pk, ref, at in stuck[:STUCK_LISTED]]
    _open(account_id, ORDER_STUCK, f"status:{status}", message=message, todo=STUCK_TODO.get(status, STUCK_TODO_DEFAULT),
          title=f"{count} order{'s' if count != 1 else ''} stuck: {words}", email=EmailKind.ORDER_STUCK,
          postback=PostbackEvent.ORDER_STUCK, items=items, action=("Open your orders", _url("dashboard:orders")),
          details={"status": status, "count": count, "orderIds": [str(pk) for pk, _, _ in stuck[:STUCK_LISTED]],
                   "normalSeconds": round(normal.total_seconds()), "limitSeconds": round(limit.total_seconds())})


# --- Failure rate ----------------------------------------------------------------------------------------------------


def failure_shares(account_id, now: datetime) -> tuple[int, int, int, int]:
    """(failed today, orders today, failed in the previous 7 days, orders then); today is the UTC day of `now`."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    failed = Q(fulfillment_status=Fulfillment.FAILED) | Exists(
        OrderEvent.objects.filter(order=OuterRef("pk"), type=events.VALIDATION_FAILED))
    orders = Order.objects.filter(account_id=account_id)
    today = orders.filter(created_at__gte=midnight)
    before = orders.filter(created_at__gte=midnight - timedelta(days=7), created_at__lt=midnight)
    return today.filter(failed).count(), today.count(), before.filter(failed).count(), before.count()


def failure_rate(account_id, now: datetime) -> None:
    failed, total, failed_before, total_before = failure_shares(account_id, now)
    share = failed / total if total else 0.0
    share_before = failed_before / total_before if total_before else 0.0
    jumped = (total >= FAILURE_MIN_ORDERS and share >= FAILURE_MIN_SHARE and share >= 2 * share_before
              and share - share_before >= FAILURE_MIN_JUMP)
    if not jumped:
        for alert in Alert.objects.filter(account_id=account_id, kind=FAILURE_RATE, resolved_at__isnull=True):
            _resolve(alert, None, "")
        return
    message = (f"{failed} of today's {total} orders failed ({share:.0%}), against {share_before:.0%} over the previous 7 days.")
    todo = ("Open the failed orders to see why each failed (often a print file that cannot be downloaded or a product "
            "that changed); fix the cause where the orders come from, then reprocess them.")
    _open(account_id, FAILURE_RATE, "failure_rate", message=message, todo=todo, email=EmailKind.FAILURE_RATE,
          title=f"{share:.0%} of today's orders failed", action=("Open the failed orders", _url("dashboard:orders") + "?status=failed"),
          details={"failedToday": failed, "ordersToday": total, "shareToday": round(share, 4),
                   "sharePrevious7Days": round(share_before, 4)})


# --- Reading and dismissing (the dashboard and GET /v4/alerts) --------------------------------------------------------


def open_alerts(account, store: Store | None = None):
    """The open alerts nobody dismissed, newest first; `account` None (an operator) means every account's."""
    rows = Alert.objects.filter(resolved_at__isnull=True, dismissed_at__isnull=True).select_related("account", "store")
    if account is not None:
        rows = rows.filter(account=account)
    return rows if store is None else rows.filter(store=store)


def dismiss(account, alert_id, actor: Actor) -> Alert:
    """Hide an open alert from the dashboard. It stays open, so the condition is not told again while it lasts; once
    it ends the alert resolves as usual, and a new occurrence opens (and shows) a new one. Another account's: 404."""
    try:
        alert = open_alerts(account).get(pk=uuid.UUID(str(alert_id)))
    except (Alert.DoesNotExist, ValueError):
        raise NotFound("This alert does not exist, or it was dismissed or resolved already.", code="alert_not_found") from None
    alert.dismissed_at, alert.dismissed_by = timezone.now(), actor.label
    alert.save(update_fields=["dismissed_at", "dismissed_by"])
    log.info("alert dismissed", extra={"account_id": alert.account_id, "kind": alert.kind, "key": alert.key})
    return alert


@dataclass(frozen=True)
class Shown:
    """An alert as the merchant reads it: what happened, what to do, and the page where to do it."""

    alert: Alert
    sentence: str
    todo: str
    fix_label: str
    fix_href: str


def shown(alert: Alert) -> Shown:
    sentence, _, todo = alert.message.partition(" What to do: ")
    if alert.kind == STORE_SYNC and alert.key.startswith("auth:"):
        label, href = "Reconnect the store", reverse("dashboard:store", args=[alert.store_id]) + "#reconnect"
    elif alert.kind == STORE_SYNC:
        label, href = "Open the store", reverse("dashboard:store", args=[alert.store_id])
    elif alert.kind == ORDER_STUCK:
        label, href = "Open these orders", reverse("dashboard:orders") + f"?status={alert.details.get('status', '')}"
    else:
        label, href = "Open the failed orders", reverse("dashboard:orders") + f"?status={Fulfillment.FAILED}"
    return Shown(alert, sentence, todo, label, href)
