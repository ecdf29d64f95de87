"""Platen's own periodic housekeeping for the job tables."""

import logging
from datetime import timedelta

from platen.jobs import services
from platen.jobs.definitions import periodic

log = logging.getLogger("platen.jobs")


@periodic("prune-job-history", every=timedelta(hours=1))
def prune_job_history() -> None:
    removed = services.prune_history()
    log.info("job history pruned", extra=removed)
