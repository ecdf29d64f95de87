"""The `platen` command."""

from __future__ import annotations

import argparse
import os
import socket
import sys


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platen.settings")
    import django
    from django.apps import apps

    if not apps.ready:  # setting up twice would re-bind the log handlers to whatever stderr is now
        django.setup()


def listen_url(host: str, port: int) -> str:
    """http://host:port as people reach it: a wildcard address (all interfaces) is shown as this machine's name."""
    if host in ("", "0.0.0.0", "::", "[::]"):
        host = socket.gethostname()
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _before_serving(args) -> None:
    """Set before the settings load (platen.config reads the environment once; serve's children inherit it):
    the address e-mail links use when PLATEN_BASE_URL is unset, and, for serve, its quieter default log level."""
    os.environ["PLATEN_LISTEN_URL"] = listen_url(args.host, args.port)
    if args.command == "serve":
        # WARNING: warnings and one line per order event (settings.LOGGING); INFO adds every job and request.
        os.environ.setdefault("PLATEN_LOG_LEVEL", "INFO" if args.verbose else "WARNING")


def cmd_migrate(args) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=args.verbosity)
    return 0


def cmd_serve(args) -> int:
    from platen import server

    return server.serve(host=args.host, port=args.port)


def cmd_web(args) -> int:
    from platen import server

    return server.run_web(host=args.host, port=args.port, workers=args.workers)


def cmd_worker(args) -> int:
    from platen.jobs.worker import parse_queues, run_worker

    queues = parse_queues(args.queues)
    if args.concurrency > 1:
        from platen import server

        return server.run_copies(["worker", "--queues", ",".join(queues)], args.concurrency)
    return run_worker(queues)


def cmd_scheduler(args) -> int:
    from platen.jobs.scheduler import Scheduler

    return Scheduler().run()


def cmd_accounts_create(args) -> int:
    from platen.accounts import services

    account = services.create_account(args.name, args.email)
    print(account.id)
    return 0


def cmd_accounts_list(args) -> int:
    from platen.accounts.models import Account

    for a in Account.objects.order_by("name", "created_at"):
        print(_columns(a.id, a.name, a.email, f"on hold: {a.on_hold_reason or 'yes'}" if a.on_hold else ""))
    return 0


def cmd_users_create(args) -> int:
    from platen.accounts import services

    partner = None
    if args.partner:
        from platen.production.services.network import find_partner

        partner = find_partner(args.partner)
    account = None if args.operator or partner else services.find_account(args.account)
    user = services.create_user(account, args.username, _password(args), email=args.email or "", operator=args.operator,
                                partner=partner)
    print(user.username)
    return 0


def cmd_users_list(args) -> int:
    from platen.accounts.models import User

    for u in User.objects.select_related("account").order_by("username"):
        role = "operator" if u.is_operator else (f"account {u.account.name} ({u.account_id})" if u.account else "no account")
        print(_columns(u.id, u.username, u.email or "-", role, "" if u.is_active else "inactive"))
    return 0


def cmd_users_password(args) -> int:
    from platen.accounts import services

    user = services.set_password(args.username, _password(args))
    print(f"password changed for {user.username}", file=sys.stderr)
    return 0


def cmd_apikey_create(args) -> int:
    from platen.accounts import services

    issued = services.issue_api_key(services.find_account(args.account), name=args.name)
    print(issued.secret)
    return 0


def cmd_apikey_list(args) -> int:
    from platen.accounts import services
    from platen.accounts.models import ApiKey

    keys = ApiKey.objects.select_related("account").order_by("account__name", "-created_at")
    if args.account:
        keys = keys.filter(account=services.find_account(args.account))
    for k in keys:  # never the key or its hash: the prefix is what `apikey revoke` takes
        print(_columns(k.id, k.prefix, k.account.name, k.name or "-", f"created {_when(k.created_at)}",
                       f"last used {_when(k.last_used_at)}", f"revoked {_when(k.revoked_at)}" if k.revoked_at else "active"))
    return 0


def cmd_apikey_revoke(args) -> int:
    from platen.accounts import services

    key = services.revoke_api_key(args.prefix)
    print(f"revoked {key.prefix} of {key.account}", file=sys.stderr)
    return 0


def _password(args) -> str:
    """--password, or asked for twice without echo (so it stays out of the shell history and `ps`)."""
    if args.password is not None:
        return args.password
    import getpass

    from platen.kit.errors import InvalidRequest

    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise InvalidRequest("The two passwords differ; nothing was changed.")
    return first


def _columns(*values) -> str:
    return "  ".join(str(v) for v in values if v != "")


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


def cmd_catalog_load(args) -> int:
    from platen.catalog import loader

    summary = loader.load_catalog(args.file)
    print(summary)
    return 0


def cmd_partners_create(args) -> int:
    from platen.production.services import network

    print(network.create_partner(args.name, args.email).id)
    return 0


def cmd_partners_list(args) -> int:
    from platen.production.models import Partner

    for p in Partner.objects.order_by("name"):
        print(_columns(p.id, p.name, p.email or "-", "" if p.active else "inactive"))
    return 0


def cmd_partners_key(args) -> int:
    from platen.production.services import keys, network

    print(keys.issue_key(network.find_partner(args.partner), name=args.name).secret)
    return 0


def cmd_partners_revoke_key(args) -> int:
    from platen.production.services import keys

    key = keys.revoke_key(args.prefix)
    print(f"revoked {key.prefix} of {key.partner}", file=sys.stderr)
    return 0


def cmd_partners_load(args) -> int:
    from platen.production import loader

    print(loader.load_network(args.file))
    return 0


def cmd_preflight(args) -> int:
    """Exit 0 when the file passes, 1 when a check fails, 2 when it cannot be read (or the product is unknown)."""
    import json

    from platen.catalog.services import get_product
    from platen.preflight import services

    product = None
    if args.product:
        product = get_product(args.product)
        if product is None:
            print(f"platen: no product {args.product!r} in the catalog (see GET /v4/products).", file=sys.stderr)
            return 2
    report = services.check_path_or_url(args.target, product)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(f"{args.target}: {'passed' if report.passed else 'FAILED'}" + (f" for {product.name}" if product else ""))
        for check in report.checks:
            mark = "ok  " if check.passed and check.severity == "error" else ("FAIL" if not check.passed else check.severity)
            print(f"  {mark:<7} {check.check:<13} {check.message}")
    if not report.readable:
        return 2
    return 0 if report.passed else 1


def cmd_tracking_sources_create(args) -> int:
    """Prints the webhook URL and the secret, once: give both to the aggregator (the secret is stored encrypted)."""
    from django.conf import settings

    from platen.production.services import tracking

    source, secret = tracking.create_source(args.kind, args.name, args.secret or "")
    print(f"{settings.PLATEN.base_url}{tracking.webhook_path(source)}")
    print(secret)
    return 0


def cmd_tracking_sources_list(args) -> int:
    from django.conf import settings

    from platen.production.models import TrackingSource
    from platen.production.services import tracking

    for s in TrackingSource.objects.order_by("name"):  # never the secret
        print(_columns(s.id, s.kind, s.name, f"{settings.PLATEN.base_url}{tracking.webhook_path(s)}"))
    return 0


def cmd_stores_list(args) -> int:
    from platen.stores.services import setup

    for s in setup.stores(None).filter(**({"account_id": args.account} if args.account else {})):  # never a secret
        print(_columns(s.id, s.platform, s.domain, s.account.name, s.status, f"last sync {_when(s.last_pulled_at)}",
                       setup.webhook_url(s)))
    return 0


def cmd_stores_connect(args) -> int:
    """Connects as the dashboard and the API do (the token is checked with the platform); prints the store's id.
    The token and secret are asked for without echo unless given (they stay out of the shell history and `ps`)."""
    import getpass

    from platen.accounts.models import Account
    from platen.kit.actors import Actor
    from platen.stores.services import setup

    account = Account.objects.filter(pk=args.account).first()
    if account is None:
        print(f"platen: no account {args.account}", file=sys.stderr)
        return 1
    store = setup.connect(account, setup.StoreSetup(
        platform=args.platform, domain=args.domain, access_token=args.token or getpass.getpass("Access token: "),
        webhook_secret=args.secret or getpass.getpass("Webhook secret: "), api_base_url=args.api_base_url,
        import_not_connected=args.import_not_connected, name=args.name), Actor.system("platen stores connect"))
    print(store.id)
    return 0


def cmd_manage(args) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["platen manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="platen", description="Platen: the order hub for print-on-demand.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="Run everything in one process tree (the embedded default).")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--verbose", action="store_true",
                       help="Log every job and request too (default: warnings and one line per order event; PLATEN_LOG_LEVEL overrides).")
    serve.set_defaults(func=cmd_serve)

    web = sub.add_parser("web", help="Run the web server (API and dashboard) only.")
    web.add_argument("--host", default="127.0.0.1")
    web.add_argument("--port", type=int, default=8000)
    web.add_argument("--workers", type=int, default=None, help="Worker processes (default: 2 per core + 1).")
    web.set_defaults(func=cmd_web)

    worker = sub.add_parser("worker", help="Run background jobs (any number, on any machine, against one database).")
    worker.add_argument("--queues", default="", help="Comma-separated queues to take jobs from (default: all: default,postbacks,email).")
    worker.add_argument("--concurrency", type=int, default=1, help="Worker processes to run side by side (default: 1).")
    worker.set_defaults(func=cmd_worker)

    scheduler = sub.add_parser("scheduler", help="Enqueue periodic jobs and take back jobs of crashed workers.")
    scheduler.set_defaults(func=cmd_scheduler)

    migrate = sub.add_parser("migrate", help="Apply database migrations.")
    migrate.add_argument("--verbosity", type=int, default=1)
    migrate.set_defaults(func=cmd_migrate)

    accounts = sub.add_parser("accounts", help="Merchant accounts.").add_subparsers(dest="action", required=True)
    create = accounts.add_parser("create", help="Create an account and print its id.")
    create.add_argument("name", help="A name no other account has.")
    create.add_argument("--email", required=True)
    create.set_defaults(func=cmd_accounts_create)
    accounts.add_parser("list", help="One line per account: id, name, e-mail, hold.").set_defaults(func=cmd_accounts_list)

    password_help = "At least 8 characters, not a common password (asked for when left out)."
    users = sub.add_parser("users", help="Dashboard logins.").add_subparsers(dest="action", required=True)
    ucreate = users.add_parser("create", help="Create a dashboard login for an account, a print partner, or an operator.")
    ucreate.add_argument("username")
    ucreate.add_argument("--password", help=password_help)
    ucreate.add_argument("--email", default="", help="Where the user's e-mails go (default: the user name, if it is an address).")
    group = ucreate.add_mutually_exclusive_group(required=True)
    group.add_argument("--account", help="Account id, or its name when no other account has it.")
    group.add_argument("--operator", action="store_true", help="Staff who see all accounts.")
    group.add_argument("--partner", help="Print partner id, or its name: the login sees that partner's production pages.")
    ucreate.set_defaults(func=cmd_users_create)
    users.add_parser("list", help="One line per login: id, user name, e-mail, account.").set_defaults(func=cmd_users_list)
    upassword = users.add_parser("password", help="Set a new password for a login.")
    upassword.add_argument("username")
    upassword.add_argument("--password", help=password_help)
    upassword.set_defaults(func=cmd_users_password)

    apikey = sub.add_parser("apikey", help="API keys.").add_subparsers(dest="action", required=True)
    kcreate = apikey.add_parser("create", help="Create a key for an account; prints the key (shown once).")
    kcreate.add_argument("account", help="Account id, or its name when no other account has it.")
    kcreate.add_argument("--name", default="")
    kcreate.set_defaults(func=cmd_apikey_create)
    klist = apikey.add_parser("list", help="One line per key (id, prefix, account, name, dates); never the key itself.")
    klist.add_argument("account", nargs="?", help="Only this account's keys (id or name).")
    klist.set_defaults(func=cmd_apikey_list)
    krevoke = apikey.add_parser("revoke", help="Revoke a key by its prefix.")
    krevoke.add_argument("prefix")
    krevoke.set_defaults(func=cmd_apikey_revoke)

    catalog = sub.add_parser("catalog", help="The product catalog.").add_subparsers(dest="action", required=True)
    cload = catalog.add_parser("load", help="Load or update the catalog from a data file.")
    cload.add_argument("--file", default=None, help="YAML catalog file (default: the one shipped with Platen).")
    cload.set_defaults(func=cmd_catalog_load)

    partners = sub.add_parser("partners", help="Print partners and their facilities.").add_subparsers(dest="action", required=True)
    pcreate = partners.add_parser("create", help="Create a print partner and print its id.")
    pcreate.add_argument("name", help="A name no other partner has.")
    pcreate.add_argument("--email", default="", help="Where production notices go (optional).")
    pcreate.set_defaults(func=cmd_partners_create)
    partners.add_parser("list", help="One line per partner: id, name, e-mail.").set_defaults(func=cmd_partners_list)
    pkey = partners.add_parser("key", help="Create an API key for a partner; prints the key alone (shown once).")
    pkey.add_argument("partner", metavar="PARTNER_ID", help="Partner id, or its name.")
    pkey.add_argument("--name", default="")
    pkey.set_defaults(func=cmd_partners_key)
    prevoke = partners.add_parser("revoke-key", help="Revoke a partner API key by its prefix.")
    prevoke.add_argument("prefix")
    prevoke.set_defaults(func=cmd_partners_revoke_key)
    pload = partners.add_parser("load", help="Load or update the production network (partners, facilities, stock, carriers) from a data file.")
    pload.add_argument("--file", default=None, help="YAML network file (default: the demo network shipped with Platen).")
    pload.set_defaults(func=cmd_partners_load)

    preflight = sub.add_parser("preflight", help="Check one print file (a path or an URL) as orders' files are checked.")
    preflight.add_argument("target", metavar="PATH_OR_URL")
    preflight.add_argument("--product", metavar="PRODUCT_UID",
                           help="Also check format, pages, size and resolution for this product (else: readable, format, encryption, fonts).")
    preflight.add_argument("--json", action="store_true", help='Print the report as JSON: {"passed", "checks": [...]}.')
    preflight.set_defaults(func=cmd_preflight)

    sources = sub.add_parser("tracking-sources", help="Where carrier tracking webhooks come from (EasyPost, AfterShip).")
    sources = sources.add_subparsers(dest="action", required=True)
    screate = sources.add_parser("create", help="Create a source; prints its webhook URL, then its secret (shown once).")
    screate.add_argument("name", help="e.g. the aggregator account it belongs to.")
    screate.add_argument("--kind", required=True, choices=["easypost", "aftership"])
    screate.add_argument("--secret", default="", help="The aggregator's webhook secret when it gives one (AfterShip); "
                                                     "else Platen makes one to enter at the aggregator (EasyPost).")
    screate.set_defaults(func=cmd_tracking_sources_create)
    sources.add_parser("list", help="One line per source: id, kind, name, webhook URL; never the secret.").set_defaults(
        func=cmd_tracking_sources_list)

    stores = sub.add_parser("stores", help="Merchants' online stores (Shopify, BigCommerce).")
    stores = stores.add_subparsers(dest="action", required=True)
    slist = stores.add_parser("list", help="One line per store: id, platform, domain, account, status, last sync, webhook URL.")
    slist.add_argument("--account", help="Only this account's stores (its id).")
    slist.set_defaults(func=cmd_stores_list)
    sconnect = stores.add_parser("connect", help="Connect a store to an account; prints the store's id.")
    sconnect.add_argument("--account", required=True, help="The account's id.")
    sconnect.add_argument("--platform", required=True, choices=["shopify", "bigcommerce"])
    sconnect.add_argument("--domain", required=True, help="Shopify: <shop>.myshopify.com; BigCommerce: the store hash.")
    sconnect.add_argument("--token", default="", help="The access token (asked for without echo when not given).")
    sconnect.add_argument("--secret", default="", help="The webhook secret (asked for without echo when not given).")
    sconnect.add_argument("--api-base-url", default="", help="Only for a self-hosted or test store: its API's scheme and host.")
    sconnect.add_argument("--name", default="")
    sconnect.add_argument("--import-not-connected", action="store_true", help="Import orders with products not connected yet.")
    sconnect.set_defaults(func=cmd_stores_connect)

    manage = sub.add_parser("manage", help="Run a Django management command.")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in ("serve", "web"):
        _before_serving(args)
    _setup()
    from platen.kit.errors import PlatenError

    try:
        return args.func(args) or 0
    except PlatenError as exc:
        print(f"platen: {exc.message}", file=sys.stderr)
        for detail in exc.details:
            if detail.message not in exc.message:
                print(f"  {detail.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
