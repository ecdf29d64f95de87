"""Background jobs of diagnostics. They take ids, reload and are idempotent; services are imported inside the jobs
(they enqueue these jobs themselves).

- `reconcile` (diagnostics.reconcile): one queued reconciliation run (services.reconciliation.run).
- `reconcile_due` (diagnostics.reconcile-due): hourly, ends as failed the runs whose worker died (still queued or
  running STALE_RUN after they started), then queues a run for every active store whose last run started
  PLATEN_RECONCILE_INTERVAL_HOURS ago or more (24 by default: daily).
- `alerts_sweep` (diagnostics.alerts-sweep): every 10 minutes, opens and resolves alerts (services.alerts.sweep).
- `fold_rollups` (diagnostics.fold-rollups): every 10 minutes on PostgreSQL, folds the rows the triggers appended to
  the analytics day rollups, so that a read never has a long backlog to fold (services.analytics_rollup.fold).
"""

from __future__ import annotations

from datetime import timedelta

from platen.jobs import enqueue, job, periodic


@job(max_attempts=3)
def reconcile(run_id: str) -> None:
    from platen.diagnostics.services import reconciliation

    reconciliation.run(run_id)


@periodic("diagnostics.reconcile-due", every=timedelta(hours=1))
def reconcile_due() -> None:
    from platen.diagnostics.services import reconciliation

    reconciliation.end_stale()
    reconciliation.enqueue_due()


@periodic("diagnostics.alerts-sweep", every=timedelta(minutes=10))
def alerts_sweep() -> None:
    from platen.diagnostics.services import alerts

    alerts.sweep()


@periodic("diagnostics.fold-rollups", every=timedelta(minutes=10))
def fold_rollups() -> None:
    from django.db import connection

    from platen.diagnostics.services import analytics_rollup

    if connection.vendor == "postgresql":
        analytics_rollup.fold()


def enqueue_reconcile(run_id) -> None:
    """Call inside the transaction that recorded the queued run."""
    enqueue(reconcile, str(run_id))
