"""The account's open alerts (services/alerts.py): GET /v4/alerts[?storeId=...], newest first.

Open means the condition still holds and nobody dismissed the alert in the dashboard. Each says what happened, what
to do and the dashboard page where to do it. A storeId of another account is a 404."""

from datetime import datetime
from uuid import UUID

from ninja import Router, Schema

from platen.diagnostics.services import alerts
from platen.kit.schemas import errors
from platen.stores.services import setup

router = Router(tags=["alerts"])
LISTED = 100


class AlertFixOut(Schema):
    label: str
    href: str  # a dashboard page


class AlertOut(Schema):
    id: str
    kind: str  # store_sync_alert, order_stuck, failure_rate
    storeId: str | None
    message: str
    whatToDo: str
    fix: AlertFixOut
    openedAt: datetime
    details: dict


class AlertsOut(Schema):
    alerts: list[AlertOut]


def present(shown: alerts.Shown) -> dict:
    alert = shown.alert
    return {"id": str(alert.pk), "kind": alert.kind, "storeId": str(alert.store_id) if alert.store_id else None,
            "message": shown.sentence, "whatToDo": shown.todo, "fix": {"label": shown.fix_label, "href": shown.fix_href},
            "openedAt": alert.opened_at, "details": alert.details or {}}


@router.get("/alerts", response={200: AlertsOut, **errors(404)}, summary="The account's open alerts, newest first")
def list_alerts(request, storeId: UUID | None = None):  # noqa: N803 (the wire's name)
    store = setup.get_store(request.account, storeId) if storeId else None
    return {"alerts": [present(alerts.shown(a)) for a in alerts.open_alerts(request.account, store)[:LISTED]]}
