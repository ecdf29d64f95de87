"""X-API-KEY authentication for the JSON API."""

from ninja.security import APIKeyHeader

from platen.accounts.services import authenticate_key


class ApiKeyAuth(APIKeyHeader):
    param_name = "X-API-KEY"

    def authenticate(self, request, key):
        api_key = authenticate_key(key or "")
        if api_key is None:
            return None
        request.account = api_key.account
        request.api_key = api_key
        return api_key
