from platen.intake.models import IntakeRequest


def intake_request(r: IntakeRequest, *, with_body: bool = False) -> dict:
    return {
        "id": str(r.id),
        "channel": r.channel,
        "status": r.status,
        "storeId": str(r.store_id) if r.store_id else None,
        "orderId": str(r.order_id) if r.order_id else None,
        "idempotencyKey": r.idempotency_key or None,
        "reasons": r.reasons,
        "receivedAt": r.received_at.isoformat(),
        "processedAt": r.processed_at.isoformat() if r.processed_at else None,
        "body": r.raw_body if with_body else None,
    }
