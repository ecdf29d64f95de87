"""The order page's pushes to its store (stores.services.fulfillments), for dashboard/orders/_store_push.html."""

from django import template

from platen.stores.services import fulfillments
from platen.stores.statuses import PushState, StoreStatus

register = template.Library()


@register.simple_tag
def store_pushes(order):
    """One line per push, in words: what was told to the store, what is on its way, what failed and why."""
    if not order.store_id:
        return []
    lines = []
    for row in fulfillments.for_order(order):
        if row.state == PushState.UNSUPPORTED:
            continue
        label = fulfillments.platform_label(row.store)
        if row.state == PushState.PUSHED:
            text, tone = fulfillments.pushed_words(row.kind, label, row.tracking_code), "good"
        elif row.state == PushState.FAILED:
            text, tone = f"{fulfillments.failed_words(row.kind, label)}: {row.last_error}", "bad"
        elif row.state == PushState.WAITING:
            text, tone = f"{fulfillments.failed_words(row.kind, label).replace(' failed', '')} waits: {row.last_error}", "bad"
        elif row.state == PushState.RETRYING:
            text, tone = f"{fulfillments.failed_words(row.kind, label)}, trying again: {row.last_error}", "change"
        else:
            text, tone = f"{fulfillments.failed_words(row.kind, label).replace(' failed', '')}…", "change"
        retry = row.state == PushState.FAILED or (row.state == PushState.WAITING and row.store.status == StoreStatus.ACTIVE
                                                  and row.kind == fulfillments.SHIPPED)
        lines.append({"id": row.pk, "text": text, "tone": tone, "state": row.state, "retry": retry,
                      "at": row.pushed_at or row.created_at})
    return lines
