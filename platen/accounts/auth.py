"""X-API-KEY authentication for the JSON API."""

from ninja.security import APIKeyHeader

from platen.accounts import throttling
from platen.accounts.services import authenticate_key, note_key_used


class ApiKeyAuth(APIKeyHeader):
    param_name = "X-API-KEY"

    def authenticate(self, request, key):
        api_key = authenticate_key(key or "")
        if api_key is None:
            if key:  # a wrong key, not a missing one: counted per address, 429 once there are too many
                throttling.check_bad_key(throttling.client_address(request))
            return None
        note_key_used(api_key)
        request.account = api_key.account
        request.api_key = api_key
        return api_key
