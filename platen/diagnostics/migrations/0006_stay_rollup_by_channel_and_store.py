from django.db import migrations, models

ZERO = "'00000000-0000-0000-0000-000000000000'::uuid"

# The stay rollup gains the channel and the store, so that time in each status and stuck orders filtered by either
# read the rollup too (PostgreSQL only, like migration 0004 whose trigger function this replaces).
STAY_DAY = """
CREATE OR REPLACE FUNCTION platen_stay_day() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.left_at IS NOT NULL THEN
        INSERT INTO diagnostics_stayday (account_id, channel, store_id, day, status, bucket, stays, folded)
        SELECT a, OLD.channel, OLD.store_id, (OLD.entered_at AT TIME ZONE 'UTC')::date, OLD.status,
               platen_stay_bucket(OLD.seconds), -1, false
        FROM (VALUES (OLD.account_id), (NULL::uuid)) AS scope (a);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.left_at IS NOT NULL THEN
        INSERT INTO diagnostics_stayday (account_id, channel, store_id, day, status, bucket, stays, folded)
        SELECT a, NEW.channel, NEW.store_id, (NEW.entered_at AT TIME ZONE 'UTC')::date, NEW.status,
               platen_stay_bucket(NEW.seconds), 1, false
        FROM (VALUES (NEW.account_id), (NULL::uuid)) AS scope (a);
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER platen_stay_day_change ON diagnostics_statusspan;
CREATE TRIGGER platen_stay_day_change AFTER UPDATE ON diagnostics_statusspan FOR EACH ROW
    WHEN ((OLD.account_id, OLD.channel, OLD.store_id, OLD.entered_at, OLD.status, OLD.left_at, OLD.seconds)
          IS DISTINCT FROM (NEW.account_id, NEW.channel, NEW.store_id, NEW.entered_at, NEW.status, NEW.left_at, NEW.seconds))
    EXECUTE FUNCTION platen_stay_day();
DROP INDEX stayday_folded_key;
CREATE UNIQUE INDEX stayday_folded_key ON diagnostics_stayday
    (COALESCE(account_id, {zero}), channel, COALESCE(store_id, {zero}), day, status, bucket) WHERE folded;
-- the stays of one bucket, in time order, with what the filters ask about
DROP INDEX span_finished_bucket;
CREATE INDEX span_finished_bucket ON diagnostics_statusspan (status, platen_stay_bucket(seconds), entered_at)
    INCLUDE (seconds, account_id, channel, store_id) WHERE left_at IS NOT NULL;
-- the old rows have no channel or store: the rollup recomputed from the spans
DELETE FROM diagnostics_stayday;
INSERT INTO diagnostics_stayday (account_id, channel, store_id, day, status, bucket, stays, folded)
    SELECT account_id, channel, store_id, day, status, bucket, COUNT(*), true
    FROM (SELECT account_id, channel, store_id, (entered_at AT TIME ZONE 'UTC')::date AS day, status,
                 platen_stay_bucket(seconds) AS bucket
          FROM diagnostics_statusspan WHERE left_at IS NOT NULL) AS stay
    GROUP BY GROUPING SETS ((account_id, channel, store_id, day, status, bucket), (channel, store_id, day, status, bucket));
ANALYZE diagnostics_stayday;
""".replace("{zero}", ZERO)


# Back to migration 0004's rollup: its trigger, keys and index, its rows recomputed without the channel and store.
STAY_DAY_0004 = """
ALTER TABLE diagnostics_stayday ALTER channel SET DEFAULT '';
CREATE OR REPLACE FUNCTION platen_stay_day() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.left_at IS NOT NULL THEN
        INSERT INTO diagnostics_stayday (account_id, day, status, bucket, stays, folded)
        SELECT a, (OLD.entered_at AT TIME ZONE 'UTC')::date, OLD.status, platen_stay_bucket(OLD.seconds), -1, false
        FROM (VALUES (OLD.account_id), (NULL::uuid)) AS scope (a);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.left_at IS NOT NULL THEN
        INSERT INTO diagnostics_stayday (account_id, day, status, bucket, stays, folded)
        SELECT a, (NEW.entered_at AT TIME ZONE 'UTC')::date, NEW.status, platen_stay_bucket(NEW.seconds), 1, false
        FROM (VALUES (NEW.account_id), (NULL::uuid)) AS scope (a);
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER platen_stay_day_change ON diagnostics_statusspan;
CREATE TRIGGER platen_stay_day_change AFTER UPDATE ON diagnostics_statusspan FOR EACH ROW
    WHEN ((OLD.account_id, OLD.entered_at, OLD.status, OLD.left_at, OLD.seconds)
          IS DISTINCT FROM (NEW.account_id, NEW.entered_at, NEW.status, NEW.left_at, NEW.seconds))
    EXECUTE FUNCTION platen_stay_day();
DROP INDEX stayday_folded_key;
DELETE FROM diagnostics_stayday;
INSERT INTO diagnostics_stayday (account_id, day, status, bucket, stays, folded)
    SELECT account_id, day, status, bucket, COUNT(*), true
    FROM (SELECT account_id, (entered_at AT TIME ZONE 'UTC')::date AS day, status, platen_stay_bucket(seconds) AS bucket
          FROM diagnostics_statusspan WHERE left_at IS NOT NULL) AS stay
    GROUP BY GROUPING SETS ((account_id, day, status, bucket), (day, status, bucket));
CREATE UNIQUE INDEX stayday_folded_key ON diagnostics_stayday
    (COALESCE(account_id, {zero}), day, status, bucket) WHERE folded;
DROP INDEX span_finished_bucket;
CREATE INDEX span_finished_bucket ON diagnostics_statusspan (status, platen_stay_bucket(seconds), entered_at)
    INCLUDE (seconds, account_id) WHERE left_at IS NOT NULL;
""".replace("{zero}", ZERO)


def by_channel_and_store(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STAY_DAY)


def as_in_0004(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STAY_DAY_0004)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_user_partner'),
        ('diagnostics', '0005_alert_dismissed'),
        ('orders', '0008_order_failed_created_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='statusspan',
            name='span_open_by_status',
        ),
        migrations.AddField(
            model_name='stayday',
            name='channel',
            field=models.CharField(default='', max_length=20),
        ),
        migrations.AddField(
            model_name='stayday',
            name='store_id',
            field=models.UUIDField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name='statusspan',
            index=models.Index(condition=models.Q(('left_at__isnull', True)), fields=['status', 'entered_at'], include=('id', 'account', 'channel', 'store_id'), name='span_open_by_status'),
        ),
        migrations.RunPython(by_channel_and_store, as_in_0004),
    ]
