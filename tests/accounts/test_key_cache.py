"""API-key lookups are cached briefly per process; revoking a key still stops it at once here."""

import pytest

from platen.accounts import services
from platen.kit.ttlcache import TtlCache

pytestmark = pytest.mark.django_db


def test_a_cached_key_is_not_looked_up_again(account, django_assert_num_queries):
    key = services.issue_api_key(account).secret
    with django_assert_num_queries(1):
        services.authenticate_key(key)
        services.authenticate_key(key)


def test_revoking_clears_the_cache(account):
    key = services.issue_api_key(account)
    assert services.authenticate_key(key.secret) is not None
    services.revoke_api_key(key.api_key.prefix)
    assert services.authenticate_key(key.secret) is None


def test_entries_expire():
    clock = [100.0]
    cache = TtlCache[str, int](5, clock=lambda: clock[0])
    cache.put("a", 1)
    assert cache.get("a") == 1
    clock[0] += 5.1
    assert cache.get("a") is None
