"""StoreWebhook.order_external_id: the order a delivery is about, so diagnosis finds an order's deliveries by an
index instead of searching every stored body for the order's id.

Backfilled here rather than left blank with a fallback: the stored bodies are parsed once (only order topics, in
batches, with the same pure reader receipt uses), and diagnosis then has one lookup and no substring match (which
also matched order 100 inside a body about order 1001). The index is built after the backfill.
"""

from django.db import migrations, models

from platen.stores.webhook_orders import ORDER_TOPIC_PREFIXES, order_external_id

BATCH = 2000


def backfill(apps, schema_editor):
    StoreWebhook = apps.get_model("stores", "StoreWebhook")
    about_orders = models.Q()
    for prefix in ORDER_TOPIC_PREFIXES:
        about_orders |= models.Q(topic__startswith=prefix)
    rows = (StoreWebhook.objects.filter(about_orders, intake_request__isnull=False).order_by("pk")
            .values_list("pk", "topic", "intake_request__raw_body"))
    changed = []
    for pk, topic, raw_body in rows.iterator(chunk_size=BATCH):
        if order_id := order_external_id(topic, raw_body or ""):
            changed.append(StoreWebhook(pk=pk, order_external_id=order_id))
        if len(changed) >= BATCH:
            StoreWebhook.objects.bulk_update(changed, ["order_external_id"])
            changed = []
    StoreWebhook.objects.bulk_update(changed, ["order_external_id"])


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0003_intake_request_interrupted'),
        ('stores', '0003_fulfillment_state'),
    ]

    operations = [
        migrations.AddField(
            model_name='storewebhook',
            name='order_external_id',
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='storewebhook',
            index=models.Index(fields=['store', 'order_external_id'], name='store_webhook_order'),
        ),
    ]
