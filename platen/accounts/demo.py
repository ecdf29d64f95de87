"""The demo merchant that the embedded default creates on first start."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from platen.accounts import services
from platen.accounts.models import Account, User

DEMO_ACCOUNT = "Demo Merchant"
DEMO_USER = "demo"


@dataclass(frozen=True)
class DemoCredentials:
    created: bool
    username: str
    password: str = ""
    api_key: str = ""
    account_id: str = ""  # the demo user's account, also on later starts (for the banner's commands)


def ensure_demo_account() -> DemoCredentials:
    with transaction.atomic():
        demo = User.objects.filter(username=DEMO_USER).first()
        if demo is not None:
            return DemoCredentials(False, DEMO_USER, account_id=str(demo.account_id or ""))
        if Account.objects.exists():  # a real installation: no demo to speak of
            return DemoCredentials(False, "")
        account = services.create_account(DEMO_ACCOUNT, "demo@example.com")
        password = secrets.token_urlsafe(12)
        services.create_user(account, DEMO_USER, password, email="demo@example.com")
        key = services.issue_api_key(account, name="demo").secret
        return DemoCredentials(True, DEMO_USER, password, key, str(account.id))
