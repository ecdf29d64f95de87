"""X-API-KEY authentication for the partner endpoints: only partner keys (ppk_…); merchant keys get 401 here,
as partner keys do on the merchant endpoints (platen.accounts.auth)."""

from ninja.security import APIKeyHeader

from platen.accounts import throttling
from platen.production.services import keys


class PartnerKeyAuth(APIKeyHeader):
    param_name = "X-API-KEY"

    def authenticate(self, request, key):
        partner_key = keys.authenticate(key or "")
        if partner_key is None:
            if key:  # a wrong key, not a missing one: counted per address like merchants' (429 after too many)
                throttling.check_bad_key(throttling.client_address(request))
            return None
        keys.note_used(partner_key)
        request.partner = partner_key.partner
        request.partner_key = partner_key
        return partner_key
