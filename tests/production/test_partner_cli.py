"""`platen partners create | list | key | revoke-key`, through the command's real argument parser."""

import uuid

import pytest

from platen.accounts.services import authenticate_key
from platen.kit.hashedkeys import hash_key
from platen.cli import main
from platen.accounts.models import User
from platen.production.models import Partner, PartnerKey
from platen.production.services import keys

pytestmark = pytest.mark.django_db


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.strip(), err.strip()


def test_create_prints_the_id_and_list_shows_one_partner_a_line_id_first(capsys):
    Partner.objects.all().delete()  # without the demo network: only what this test made is listed
    code, first, _ = run(capsys, "partners", "create", "Print Berlin", "--email", "ops@print-berlin.test")
    assert code == 0 and Partner.objects.get(pk=uuid.UUID(first)).name == "Print Berlin"
    _, second, _ = run(capsys, "partners", "create", "Atelier Lyon")
    code, out, _ = run(capsys, "partners", "list")
    lines = out.splitlines()
    assert code == 0 and [line.split()[0] for line in lines] == [second, first]  # by name
    assert "Atelier Lyon" in lines[0] and "ops@print-berlin.test" in lines[1]


def test_key_prints_a_partner_key_alone_stored_only_hashed(capsys):
    _, partner_id, _ = run(capsys, "partners", "create", "Print Berlin")
    code, key, err = run(capsys, "partners", "key", partner_id)
    assert code == 0 and "\n" not in key and key.startswith("ppk_") and err == ""
    stored = PartnerKey.objects.get(partner_id=partner_id)
    assert stored.key_hash == hash_key(key) and key not in {stored.prefix, stored.key_hash}
    assert keys.authenticate(key).partner_id == uuid.UUID(partner_id)
    assert authenticate_key(key) is None  # never a merchant's key
    assert run(capsys, "partners", "key", "Print Berlin")[0] == 0  # by name too
    code, _, err = run(capsys, "partners", "revoke-key", stored.prefix)
    assert code == 0 and stored.prefix in err and keys.authenticate(key) is None


def test_mistakes_are_clear_errors_not_tracebacks(capsys):
    before = Partner.objects.count()  # the demo network's
    run(capsys, "partners", "create", "Print Berlin")
    code, out, err = run(capsys, "partners", "create", "print berlin")
    assert (code, out) == (1, "") and "already exists" in err and "Traceback" not in err
    code, out, err = run(capsys, "partners", "key", str(uuid.uuid4()))
    assert (code, out) == (1, "") and "No partner" in err
    assert Partner.objects.count() == before + 1 and not PartnerKey.objects.exists()


def test_users_create_makes_a_partner_login_that_sees_only_its_production_pages(capsys, client):
    _, partner_id, _ = run(capsys, "partners", "create", "Print Berlin")
    code, out, _ = run(capsys, "users", "create", "press@print-berlin.test", "--password", "a-long-password",
                       "--partner", partner_id)
    login = User.objects.get(username=out)
    assert code == 0 and str(login.partner_id) == partner_id and login.account_id is None and not login.is_staff
    client.force_login(login)
    assert client.get("/orders/")["Location"] == "/production/"
    assert client.get("/production/").status_code == 200
