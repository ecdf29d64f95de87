"""Stores in the admin: the token and webhook secret are write-only (sealed; never shown), the status is read-only
(it changes through the Stores page or the API, which keep the connection history)."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from platen.stores import models as m


class StoreForm(forms.ModelForm):
    access_token = forms.CharField(required=False, strip=True, widget=forms.PasswordInput(render_value=False),
                                   help_text="Stored encrypted and never shown; leave empty to keep the current one.")
    webhook_secret = forms.CharField(required=False, strip=True, widget=forms.PasswordInput(render_value=False),
                                     help_text="Stored encrypted and never shown; leave empty to keep the current one.")

    api_base_url = forms.CharField(required=False, help_text="Only for a self-hosted or test store: the scheme and host "
                                                             "Platen calls instead of the platform's own API.")

    class Meta:
        model = m.Store
        fields = ("account", "platform", "name", "domain", "api_base_url", "import_not_connected", "pull_interval_minutes")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("access_token") and not (self.instance and self.instance.access_token_sealed):
            self.add_error("access_token", "Enter the access token: Platen cannot call the store without it.")
        return cleaned

    def clean_api_base_url(self):
        from platen.kit.errors import InvalidRequest
        from platen.stores.services import setup

        try:
            return setup.clean_api_base_url(self.cleaned_data.get("api_base_url", ""))
        except InvalidRequest as exc:
            raise forms.ValidationError(exc.details[0].message) from None

    def save(self, commit=True):
        from platen.stores.services import connections

        for field in ("access_token", "webhook_secret"):
            if self.cleaned_data.get(field):
                setattr(self.instance, f"{field}_sealed", connections.seal(self.cleaned_data[field]))
        return super().save(commit)


class StatusChangeInline(admin.TabularInline):
    model = m.StoreStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ("status", "reason", "actor_label", "at")

    def has_add_permission(self, request, obj=None):
        return False


class SkuMappingInline(admin.TabularInline):
    model = m.SkuMapping
    extra = 0
    fields = ("sku", "product_uid", "files")


class ShippingMappingInline(admin.TabularInline):
    model = m.ShippingMethodMapping
    extra = 0
    fields = ("store_method", "shipment_method_uid")


@admin.register(m.Store)
class StoreAdmin(admin.ModelAdmin):
    form = StoreForm
    list_display = ("__str__", "platform", "domain", "account", "status", "last_pulled_at")
    list_filter = ("platform", "status")
    search_fields = ("name", "domain")
    readonly_fields = ("id", "status", "status_reason", "status_changed_at", "connected_at", "pull_cursor", "last_pulled_at",
                       "next_pull_at", "last_pull_error", "last_webhook_at", "products_synced_at", "created_at")
    fields = ("id", "account", "platform", "name", "domain", "api_base_url", "access_token", "webhook_secret",
              "import_not_connected", "pull_interval_minutes", *readonly_fields[1:])
    inlines = [StatusChangeInline, SkuMappingInline, ShippingMappingInline]

    def has_add_permission(self, request):
        return False  # connect through the dashboard or the API: they check the token and start the sync


@admin.register(m.StoreOrder)
class StoreOrderAdmin(admin.ModelAdmin):
    list_display = ("number", "store", "bucket", "reason_code", "placed_at", "seen_via")
    list_filter = ("bucket", "reason_code", "seen_via")
    search_fields = ("number", "external_id")
    readonly_fields = [f.name for f in m.StoreOrder._meta.fields]


@admin.register(m.StoreWebhook)
class StoreWebhookAdmin(admin.ModelAdmin):
    list_display = ("store", "topic", "delivery_id", "received_at", "processed_at")
    readonly_fields = [f.name for f in m.StoreWebhook._meta.fields]
