"""The JSON API root: one NinjaAPI, every domain's router, and the one error shape."""

import copy
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from platen.accounts.api import router as account_router
from platen.accounts.auth import ApiKeyAuth
from platen.catalog.api import router as catalog_router
from platen.catalog.api_v3 import router as catalog_v3_router, shipment_router as shipment_v1_router
from platen.diagnostics.api import router as diagnostics_router
from platen.diagnostics.api_diagnosis import router as diagnosis_router
from platen.diagnostics.api_analytics import router as analytics_router
from platen.diagnostics.api_reconcile import router as reconcile_router
from platen.diagnostics.api_alerts import router as alerts_router
from platen.intake.api import router as intake_router
from platen.jobs.api import router as jobs_router
from platen.notifications.api import router as notifications_router
from platen.kit.apidocs import OfflineSwagger
from platen.kit.errors import InvalidRequest, NotFound, PlatenError, TooLarge, Unauthorized, for_status, pydantic_details
from platen.orders.api import router as orders_router
from platen.orders.api import RAW_BODIES
from platen.production.tracking_api import router as tracking_hooks_router
from platen.stores.hooks_api import router as store_hooks_router
from platen.production.api import report_router as partner_report_router, router as partner_router
from platen.stores.api import router as stores_router
from platen.stores.api_products import router as store_products_router
from platen.kit.wire import NOT_AN_OBJECT, ObjectBodyParser
from platen.stores.api_recreate import router as store_recreate_router

log = logging.getLogger("platen.api")

class PlatenAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        # The document is the same for the life of the process and takes a second or more to build (every route's
        # models): build it once per set of arguments.
        key = repr((args, sorted(kwargs.items())))
        cache = self.__dict__.setdefault("_openapi_cache", {})
        if key not in cache:
            cache[key] = self._build_openapi_schema(*args, **kwargs)
        return copy.deepcopy(cache[key])

    def _build_openapi_schema(self, *args, **kwargs):
        # Create and PATCH read their bodies raw (orders.api.RAW_BODIES); publish their schemas here.
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in RAW_BODIES:
            body = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(body.pop("$defs", {}))
            components[model.__name__] = body
        return schema


api = PlatenAPI(
    title="Platen order API",
    version="4",
    description="Order intake, status and history for print-on-demand. Compatible with the v4 order API.",
    auth=ApiKeyAuth(),
    urls_namespace="api",
    openapi_url="/v4/openapi.json",
    docs_url="/v4/docs",
    docs=OfflineSwagger(),
    parser=ObjectBodyParser(),
)
api.add_router("/v4", store_products_router)  # first: the orders router's items/{ref} would take "{ref}:connect"
api.add_router("/v4", orders_router)
api.add_router("/v4", catalog_router)
api.add_router("/v4", intake_router)
api.add_router("/v4", account_router)
api.add_router("/v4", diagnostics_router)
api.add_router("/v4", analytics_router)
api.add_router("/v4", notifications_router)
api.add_router("/v4", jobs_router)
api.add_router("/v4", stores_router)
api.add_router("/v4", partner_router)  # partner keys only (platen.production.auth)
api.add_router("/v4", store_recreate_router)
api.add_router("/v4", diagnosis_router)
api.add_router("/v4", reconcile_router)
api.add_router("/v4", alerts_router)
api.add_router("/v3", catalog_v3_router)
api.add_router("/v1", shipment_v1_router)
api.add_router("/hooks", tracking_hooks_router)
api.add_router("/hooks", store_hooks_router)  # after tracking: /hooks/tracking/{id} is not a store
api.add_router("/v2", partner_report_router)  # the reference's partner status reports


def error_response(request, error: PlatenError):
    return api.create_response(request, error.as_dict(), status=error.status)


@api.exception_handler(PlatenError)
def on_platen_error(request, exc: PlatenError):
    response = error_response(request, exc)
    if getattr(exc, "retry_after", None):  # 429 Too many attempts (platen.accounts.throttling)
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    # ninja's loc starts with the source ("body", "query", "path"); a body also has its parameter name.
    details = [d for err in exc.errors for d in pydantic_details([err], skip=2 if err["loc"][0] == "body" else 1)]
    return error_response(request, InvalidRequest("The request is not valid.", details))


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return error_response(request, Unauthorized())


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, NotFound())


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if exc.status_code == 400:  # ninja's only 400 of its own: a body that ObjectBodyParser refused
        return error_response(request, NOT_AN_OBJECT)
    error = for_status(exc.status_code)
    return error_response(request, PlatenError(str(exc) or error.message, [], error.code, exc.status_code))


@api.exception_handler(RequestDataTooBig)
def on_too_large(request, exc):
    return error_response(request, TooLarge(settings.DATA_UPLOAD_MAX_MEMORY_SIZE))


@api.exception_handler(Exception)
def on_unexpected(request, exc: Exception):
    log.exception("unhandled API error", extra={"path": request.path})
    return error_response(request, PlatenError("Something went wrong on our side; it has been logged. Try again.", [], "internal_error", 500))
