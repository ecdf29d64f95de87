"""`platen tracking-sources create` prints the webhook URL and the secret once; the secret is stored encrypted."""

from platen.cli import main
from platen.kit import encryption
from platen.production.models import TrackingSource
from platen.production.services.tracking import PURPOSE


def test_create_prints_the_url_and_the_secret_once(db, capsys, settings):
    assert main(["tracking-sources", "create", "--kind", "easypost", "EasyPost main"]) == 0
    url, secret = capsys.readouterr().out.split()
    source = TrackingSource.objects.get()
    assert url == f"{settings.PLATEN.base_url}/hooks/tracking/{source.pk}"
    assert len(secret) >= 32 and secret not in source.secret_encrypted
    assert encryption.decrypt(source.secret_encrypted, PURPOSE) == secret

    assert main(["tracking-sources", "create", "--kind", "aftership", "AfterShip", "--secret", "given-by-aftership"]) == 0
    assert capsys.readouterr().out.split()[1] == "given-by-aftership"

    assert main(["tracking-sources", "list"]) == 0
    listed = capsys.readouterr().out
    assert "EasyPost main" in listed and secret not in listed and "given-by-aftership" not in listed


def test_a_source_needs_a_name(db, capsys):
    assert main(["tracking-sources", "create", "--kind", "easypost", " "]) == 1
    assert "name" in capsys.readouterr().err
    assert TrackingSource.objects.count() == 0
