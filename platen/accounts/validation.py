"""What a valid account, login and password are: one set of rules for the dashboard, the API and the CLI.

Each check raises InvalidRequest (400, with one detail per field) or Conflict (409, a name already taken),
so every caller shows the same sentence: the dashboard next to the field, the CLI on stderr (exit 1).
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from email_validator import EmailNotValidError, validate_email

from platen.accounts.models import Account, User
from platen.kit.errors import Conflict, Detail, InvalidRequest

NAME_MAX = 200


def clean_email(email: str, field: str = "email") -> str:
    """The address, normalised by email-validator (no DNS look-up); InvalidRequest when it is not one."""
    email = (email or "").strip()
    try:
        return validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidRequest("Check the e-mail address.", [Detail(field, _email_sentence(email))], code="invalid_email") from None


def _email_sentence(email: str) -> str:
    if not email:
        return "Enter an e-mail address."
    return f"“{email}” is not an e-mail address; write it like name@example.com."


def check_account(name: str, email: str, *, exclude: Account | None = None) -> tuple[str, str]:
    """The cleaned (name, e-mail) of a new or changed account; two accounts never share a name."""
    name = " ".join((name or "").split())
    details = []
    if not name:
        details.append(Detail("name", "Enter the account's name."))
    elif len(name) > NAME_MAX:
        details.append(Detail("name", f"The name is longer than {NAME_MAX} characters."))
    try:
        email = clean_email(email)
    except InvalidRequest as exc:
        details += exc.details
    if details:
        raise InvalidRequest(" ".join(d.message for d in details), details)
    taken = Account.objects.filter(name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise Conflict(f"An account named “{name}” already exists; choose another name.", code="account_name_taken",
                       details=[Detail("name", "Another account has this name.")])
    return name, email


def check_username_free(username: str, field: str = "username") -> None:
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(f"A login named “{username}” already exists.", code="username_taken",
                       details=[Detail(field, "This login already exists; use another one, or ask its owner.")])


def check_password(password: str, user: User | None = None, field: str = "password") -> None:
    """Django's password validators (minimum length, common passwords) as settings.py lists them."""
    try:
        password_validation.validate_password(password or "", user)
    except ValidationError as exc:
        raise InvalidRequest("Choose another password.", [Detail(field, m) for m in exc.messages], code="weak_password") from None


def password_rules() -> str:
    """The rules in words, for the form that asks for a password."""
    return " ".join(password_validation.password_validators_help_texts())
