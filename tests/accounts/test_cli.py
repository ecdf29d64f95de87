"""The `platen` command's account and key management, through its real argument parser."""

import uuid

import pytest

from platen.accounts import services as accounts
from platen.accounts.models import Account, ApiKey, User
from platen.accounts.services import authenticate_key
from platen.kit.hashedkeys import hash_key
from platen.cli import main

pytestmark = pytest.mark.django_db


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.strip(), err.strip()


def test_accounts_create_prints_the_new_id(capsys):
    code, out, _ = run(capsys, "accounts", "create", "Poster Shop", "--email", "hi@poster.example")
    assert code == 0
    account = Account.objects.get(pk=uuid.UUID(out))
    assert (account.name, account.email) == ("Poster Shop", "hi@poster.example")


def test_apikey_create_prints_the_key_alone_and_stores_only_its_hash(capsys):
    _, account_id, _ = run(capsys, "accounts", "create", "Poster Shop", "--email", "hi@poster.example")
    code, key, _ = run(capsys, "apikey", "create", account_id)
    assert code == 0 and "\n" not in key and key.startswith("plk_")
    stored = ApiKey.objects.get(account_id=account_id)
    assert stored.key_hash == hash_key(key)
    assert key not in {stored.prefix, stored.key_hash, stored.name}
    assert authenticate_key(key).account_id == uuid.UUID(account_id)


def test_apikey_revoke_by_prefix_stops_the_key(capsys):
    _, account_id, _ = run(capsys, "accounts", "create", "Poster Shop", "--email", "hi@poster.example")
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
    run(capsys, "accounts", "create", "Poster Shop", "--email", "hi@poster.example")
    assert run(capsys, "users", "create", "ana", "--password", "a-long-password", "--account", "Poster Shop")[0] == 0
    assert run(capsys, "users", "create", "ops", "--password", "a-long-password", "--operator")[0] == 0
    assert User.objects.get(username="ana").account.name == "Poster Shop"
    ops = User.objects.get(username="ops")
    assert ops.account is None and ops.is_operator


def test_a_taken_account_name_or_user_name_is_a_clear_error_not_a_traceback(capsys):
    _, account_id, _ = run(capsys, "accounts", "create", "Poster Shop", "--email", "hi@poster.example")
    code, out, err = run(capsys, "accounts", "create", "poster shop", "--email", "other@poster.example")
    assert (code, out) == (1, "") and err.startswith("platen: An account named “poster shop” already exists; choose another name.")
    assert run(capsys, "users", "create", "ana", "--password", "a-long-password", "--account", account_id)[0] == 0
    code, _, err = run(capsys, "users", "create", "Ana", "--password", "a-long-password", "--operator")
    assert code == 1 and err.startswith("platen: A login named “Ana” already exists.")
    assert "Traceback" not in err and Account.objects.count() == 1 and User.objects.count() == 1


@pytest.mark.parametrize("argv", [
    ["accounts", "create", "Poster Shop", "--email", "not-an-address"],
    ["accounts", "create", "Poster Shop", "--email", "hi@poster"],
    ["users", "create", "ana", "--password", "a-long-password", "--operator", "--email", "ana@"],
])
def test_e_mail_addresses_are_validated(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert (code, out) == (1, "") and "is not an e-mail address" in err and "name@example.com" in err
    assert not Account.objects.exists() and not User.objects.exists()


def test_a_users_e_mail_is_normalised_and_defaults_to_the_user_name_only_when_it_is_an_address(capsys):
    run(capsys, "users", "create", "ops", "--password", "a-long-password", "--operator", "--email", "Ops@Platen.Example")
    run(capsys, "users", "create", "ana@poster.example", "--password", "a-long-password", "--operator")
    assert User.objects.get(username="ops").email == "Ops@platen.example"
    assert User.objects.get(username="ana@poster.example").email == "ana@poster.example"


def test_passwords_have_a_minimum_length(capsys):
    code, _, err = run(capsys, "users", "create", "ops", "--password", "short", "--operator")
    assert code == 1 and "It must contain at least 8 characters." in err
    code, _, err = run(capsys, "users", "create", "ops", "--password", "password123", "--operator")
    assert code == 1 and "This password is too common." in err
    assert not User.objects.exists()


def test_accounts_are_addressed_by_name_only_when_it_is_unique(capsys, account):
    twin = Account.objects.create(name=account.name, email="twin@acme.example")  # made before names were checked
    code, out, err = run(capsys, "apikey", "create", "acme prints")
    assert (code, out) == (1, "")
    assert err == f"platen: 2 accounts are named acme prints; give one of their ids instead: {account.id}, {twin.id}." or \
        err == f"platen: 2 accounts are named acme prints; give one of their ids instead: {twin.id}, {account.id}."
    assert run(capsys, "apikey", "create", str(twin.id))[0] == 0
    assert ApiKey.objects.get().account == twin


def test_list_commands_print_one_line_each_id_first_and_never_a_key(capsys, account, other_account):
    key = accounts.issue_api_key(account, name="shop").secret
    accounts.revoke_api_key(accounts.issue_api_key(account, name="old").api_key.prefix)
    accounts.issue_api_key(other_account, name="theirs")
    user = accounts.create_user(account, "ana@acme.example", "a-long-password")

    code, out, _ = run(capsys, "accounts", "list")
    assert code == 0 and [line.split("  ")[:2] for line in out.splitlines()] == [
        [str(account.id), account.name], [str(other_account.id), other_account.name]]
    _, out, _ = run(capsys, "users", "list")
    assert out == f"{user.id}  ana@acme.example  ana@acme.example  account {account.name} ({account.id})"
    _, out, _ = run(capsys, "apikey", "list", account.name)
    lines = out.splitlines()
    assert len(lines) == 2 and all(line.split("  ")[2] == account.name for line in lines)
    shop = ApiKey.objects.get(name="shop")
    assert f"{shop.id}  {shop.prefix}  {account.name}  shop  created " in out and "last used never  active" in out
    assert "revoked 20" in out
    _, everything, _ = run(capsys, "apikey", "list")
    assert len(everything.splitlines()) == 3
    for stored in ApiKey.objects.all():
        assert stored.key_hash not in everything
    assert key not in everything and key.split("_")[2] not in everything


def test_users_password_sets_a_checked_password(capsys):
    accounts.create_user(None, "ops", "a-long-password", operator=True)
    code, _, err = run(capsys, "users", "password", "ops", "--password", "tiny")
    assert code == 1 and "at least 8 characters" in err
    code, _, err = run(capsys, "users", "password", "ops", "--password", "another-long-one")
    assert code == 0 and User.objects.get(username="ops").check_password("another-long-one")
    assert run(capsys, "users", "password", "nobody", "--password", "another-long-one")[2] == "platen: No user is named nobody."
