"""Stores: the connected stores with their platform and status, connecting one, and a store's page (settings, Sync
now, Reconnect/Disconnect, connection history, SKU and shipping mappings, every store order Platen saw).

Merchants manage their own stores; operators see every account's and can sync, reconnect, disconnect and map,
but connect stores only as the merchant would (the merchant's login or API key).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.views.decorators.http import require_POST

from platen.catalog.models import Product, ShipmentMethod
from platen.dashboard.access import dashboard_view
from platen.kit.actors import Actor
from platen.kit.errors import NotFound, PlatenError
from platen.stores import presenters
from platen.stores.services import mappings, setup
from platen.stores.statuses import Platform

ORDERS_PAGE = 50
RECREATE_BUTTON = "dashboard/stores/_recreate_button.html"  # Recreate order on a store order that did not import
CONNECT_DEFAULTS = {"platform": "shopify", "domain": "", "api_base_url": "", "name": "", "import_not_connected": False,
                    "pull_interval_minutes": "60"}
# The form's names for the service's wire-named problems.
FIELD_NAMES = {"accessToken": "access_token", "webhookSecret": "webhook_secret", "apiBaseUrl": "api_base_url",
               "pullIntervalMinutes": "pull_interval_minutes", "productUid": "product_uid", "storeMethod": "store_method",
               "shipmentMethodUid": "shipment_method_uid", "files": "file_url"}


def _actor(request) -> Actor:
    return Actor.user(request.user)


@dashboard_view
def store_list(request):
    rows = list(setup.stores(request.scope))
    counts = presenters.order_counts([s.pk for s in rows])
    for s in rows:
        s.counts = counts[s.pk]
        s.platform_label = setup.label(s.platform)
    return render(request, "dashboard/stores/list.html", {"stores": rows, "show_account": request.user.is_operator})


@dashboard_view
def store_connect(request):
    if request.user.is_operator:
        messages.error(request, "Stores are connected by the merchant: log in as the merchant, or use the merchant's API key.")
        return redirect("dashboard:stores")
    form = {**CONNECT_DEFAULTS, "errors": {}, "message": ""}
    if request.method == "POST":
        post = request.POST
        form.update({key: post.get(key, "").strip() for key in ("platform", "domain", "api_base_url", "name", "pull_interval_minutes")})
        form["import_not_connected"] = post.get("import_not_connected") == "on"
        try:
            store = setup.connect(request.user.account, setup.StoreSetup(
                platform=form["platform"], domain=form["domain"], access_token=post.get("access_token", ""),
                webhook_secret=post.get("webhook_secret", ""), api_base_url=form["api_base_url"], name=form["name"],
                import_not_connected=form["import_not_connected"], pull_interval_minutes=form["pull_interval_minutes"]),
                _actor(request))
        except PlatenError as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"{store} is connected. Platen is registering its webhooks, reading its products "
                                      "and pulling its orders now.")
            return redirect("dashboard:store", store_id=store.pk)
    return render(request, "dashboard/stores/connect.html", {
        "form": form, "platforms": [(p.value, setup.label(p)) for p in Platform],
        "advanced_open": bool(form["api_base_url"] or form["errors"].get("api_base_url") or form["errors"].get("pull_interval_minutes")),
    }, status=400 if form["message"] else 200)


@dashboard_view
def store_detail(request, store_id, *, forms=None, status=200):
    store = setup.get_store(request.scope, store_id)
    store.platform_label = setup.label(store.platform)
    bucket = request.GET.get("bucket", "")
    bucket = bucket if bucket in ("imported", "waiting", "skipped") else ""
    orders = Paginator(setup.store_orders(request.scope, store.pk, bucket=bucket or None, needing_attention_first=True),
                       ORDERS_PAGE).get_page(request.GET.get("page"))
    forms = forms or {}
    return render(request, "dashboard/stores/detail.html", {
        "store": store, "counts": presenters.order_counts([store.pk])[store.pk], "orders": orders, "bucket": bucket,
        "history": setup.history(request.scope, store.pk)[:50], "webhook_url": setup.webhook_url(store),
        "sku_mappings": mappings.sku_mappings(request.scope, store.pk),
        "shipping_mappings": mappings.shipping_mappings(request.scope, store.pk),
        "methods": ShipmentMethod.objects.order_by("name"), "products": Product.objects.order_by("name").values("uid", "name"), "show_account": request.user.is_operator,
        "recreate_button": _optional(RECREATE_BUTTON),
        "settings_form": forms.get("settings") or {"errors": {}, "message": ""},
        "reconnect_form": forms.get("reconnect") or {"errors": {}, "message": ""},
        "sku_form": forms.get("sku") or {"sku": "", "product_uid": "", "file_url": "", "errors": {}, "message": ""},
        "shipping_form": forms.get("shipping") or {"store_method": "", "shipment_method_uid": "", "errors": {}, "message": ""},
    }, status=status)


@require_POST
@dashboard_view
def store_settings(request, store_id):
    changes = {"name": request.POST.get("name", ""), "import_not_connected": request.POST.get("import_not_connected") == "on",
               "pull_interval_minutes": request.POST.get("pull_interval_minutes", "")}
    return _act(request, store_id, "settings", lambda: setup.update(request.scope, store_id, changes, _actor(request)),
                "The settings were saved.")


@require_POST
@dashboard_view
def store_sync(request, store_id):
    try:
        setup.sync_now(request.scope, store_id, _actor(request))
    except NotFound:
        raise
    except PlatenError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Platen is pulling the store's orders now; new ones appear below and under Orders.")
    return redirect("dashboard:store", store_id=store_id)


@require_POST
@dashboard_view
def store_reconnect(request, store_id):
    token, secret = request.POST.get("access_token", ""), request.POST.get("webhook_secret", "")
    return _act(request, store_id, "reconnect",
                lambda: setup.reconnect(request.scope, store_id, _actor(request), access_token=token, webhook_secret=secret),
                "The store is connected again; Platen is pulling its orders now.")


@require_POST
@dashboard_view
def store_disconnect(request, store_id):
    setup.disconnect(request.scope, store_id, _actor(request))
    messages.success(request, "The store is disconnected: Platen imports none of its orders until you reconnect it.")
    return redirect("dashboard:store", store_id=store_id)


@require_POST
@dashboard_view
def sku_map(request, store_id):
    form = _posted(request, "sku", "product_uid", "file_url")
    files = [{"type": "default", "url": form["file_url"]}] if form["file_url"] else []
    return _act(request, store_id, "sku", lambda: mappings.map_sku(request.scope, store_id, form["sku"], form["product_uid"], files),
                f"The SKU {form['sku']} is mapped; store orders waiting for it are imported now.", form)


@require_POST
@dashboard_view
def sku_unmap(request, store_id):
    return _unmap(request, store_id, mappings.unmap_sku, "sku", "The SKU mapping was removed.")


@require_POST
@dashboard_view
def shipping_map(request, store_id):
    form = _posted(request, "store_method", "shipment_method_uid")
    return _act(request, store_id, "shipping",
                lambda: mappings.map_shipping(request.scope, store_id, form["store_method"], form["shipment_method_uid"]),
                f"The shipping method {form['store_method']} is mapped; store orders waiting for it are imported now.", form)


@require_POST
@dashboard_view
def shipping_unmap(request, store_id):
    return _unmap(request, store_id, mappings.unmap_shipping, "store_method", "The shipping-method mapping was removed.")


def _posted(request, *names: str) -> dict:
    return {name: request.POST.get(name, "").strip() for name in names}


def _unmap(request, store_id, remove, field: str, said: str):
    remove(request.scope, store_id, request.POST.get(field, ""))
    messages.success(request, said)
    return redirect("dashboard:store", store_id=store_id)


def _optional(name: str) -> str:
    """A partial another part of the stores pages provides, or "" while it is not installed."""
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return ""
    return name


def _act(request, store_id, form_name: str, change, said: str, values: dict | None = None):
    """Run the change; on a refusal show the store page again with the problems under the form's fields."""
    try:
        change()
    except NotFound:
        raise
    except PlatenError as exc:
        form = {**(values or {}), "errors": {}, "message": ""}
        _errors(form, exc)
        return store_detail.__wrapped__(request, store_id, forms={form_name: form}, status=400)
    messages.success(request, said)
    return redirect("dashboard:store", store_id=store_id)


def _errors(form: dict, exc: PlatenError) -> None:
    errors = {FIELD_NAMES.get(d.field.split("[")[0], d.field.split("[")[0]): d.message for d in exc.details}
    form.update(errors=errors, message=exc.message if len(errors) != 1 else "One field needs a change; see the note below it.")
