"""The `platen` command's account and key management, through its real argument parser."""

import uuid

import pytest

from platen.accounts.models import Account, ApiKey, User
from platen.accounts.services import authenticate_key, hash_key
from platen.cli import main

pytestmark = pytest.mark.django_db


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.strip(), err.strip()


def test_accounts_create_prints_the_new_id(capsys):
    code, out, _ = run(capsys, "accounts", "create", "Poster Shop", "--email", "hi@poster.test")
    assert code == 0
    account = Account.objects.get(pk=uuid.UUID(out))
    assert (account.name, account.email) == ("Poster Shop", "hi@poster.test")


def test_apikey_create_prints_the_key_alone_and_stores_only_its_hash(capsys):
    _, account_id, _ = run(capsys, "accounts", "create", "Poster Shop", "--email", "hi@poster.test")
    code, key, _ = run(capsys, "apikey", "create", account_id)
    assert code == 0 and "\n" not in key and key.startswith("plk_")
    stored = ApiKey.objects.get(account_id=account_id)
    assert stored.key_hash == hash_key(key)
    assert key not in {stored.prefix, stored.key_hash, stored.name}
    assert authenticate_key(key).account_id == uuid.UUID(account_id)


def test_apikey_revoke_by_prefix_stops_the_key(capsys):
    _, account_id, _ = run(capsys, "accounts", "create", "Poster Shop", "--email", "hi@poster.test")
    _, key, _ = run(capsys, "apikey", "create", account_id)
    prefix = ApiKey.objects.get(account_id=account_id).prefix
    code, _, err = run(capsys, "apikey", "revoke", prefix)
    assert code == 0 and prefix in err
    assert authenticate_key(key) is None


def test_unknown_account_or_prefix_is_a_clear_error(capsys):
    code, out, err = run(capsys, "apikey", "create", str(uuid.uuid4()))
    assert code == 1 and out == "" and "No account" in err
    code, _, err = run(capsys, "apikey", "revoke", "deadbeef")
    assert code == 1 and "No API key" in err


def test_users_create_for_an_account_and_an_operator(capsys):
    run(capsys, "accounts", "create", "Poster Shop", "--email", "hi@poster.test")
    assert run(capsys, "users", "create", "ana", "--password", "a-long-password", "--account", "Poster Shop")[0] == 0
    assert run(capsys, "users", "create", "ops", "--password", "a-long-password", "--operator")[0] == 0
    assert User.objects.get(username="ana").account.name == "Poster Shop"
    ops = User.objects.get(username="ops")
    assert ops.account is None and ops.is_operator
