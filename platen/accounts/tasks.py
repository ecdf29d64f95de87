"""Housekeeping for the accounts tables."""

from datetime import timedelta

from platen.accounts import throttling
from platen.jobs.definitions import periodic


@periodic("prune-sign-in-throttles", every=timedelta(hours=1))
def prune_sign_in_throttles() -> int:
    return throttling.prune()
