"""The production network in the admin: partners (keys shown by prefix only), facilities with their stock,
carriers with their services, tracking sources (their secret is write-only). Saving a facility or its stock
routes held orders again, as the dashboard's Network page does."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from platen.catalog.admin import CodeListField
from platen.production import models as m
from platen.production import tasks, validation


class _MakesField(forms.CharField):
    """Product kinds or product uids, edited as "poster, canvas"."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [v.strip() for v in text.replace("\n", ",").split(",") if v.strip()]


class FacilityForm(forms.ModelForm):
    makes = _MakesField(help_text="Product kinds (poster, canvas, framed_poster, t_shirt, hoodie, mug, greeting_card, "
                                  "photo_book) or product uids, separated by commas.",
                        widget=forms.Textarea(attrs={"rows": 2}))
    ships_to = CodeListField(help_text="Two-letter codes separated by commas, or * for everywhere.",
                           widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = m.Facility
        fields = "__all__"

    def clean_time_zone(self):
        return _checked(self, "time_zone", validation.time_zone)

    def clean_makes(self):
        return _checked(self, "makes", validation.makes)

    def clean_ships_to(self):
        return _checked(self, "ships_to", validation.countries)


def _checked(form, field: str, check):
    from platen.kit.errors import InvalidRequest

    try:
        return check(form.cleaned_data[field])
    except InvalidRequest as exc:
        raise forms.ValidationError(exc.message) from None


class MaterialForm(forms.ModelForm):
    class Meta:
        model = m.Material
        fields = ("code", "name", "quantity")

    def clean_code(self):
        return _checked(self, "code", validation.material_code)


class MaterialInline(admin.TabularInline):
    model = m.Material
    form = MaterialForm
    extra = 1
    fields = ("code", "name", "quantity")


class FacilityInline(admin.TabularInline):
    model = m.Facility
    extra = 0
    fields = ("code", "name", "country", "daily_capacity", "active")
    show_change_link = True


class PartnerKeyInline(admin.TabularInline):
    model = m.PartnerKey
    extra = 0
    fields = ("prefix", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields  # never the hash; keys are issued with `platen partners key`
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class _ReroutesOnSave(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        tasks.enqueue_reroute_held()  # the admin saves inside a transaction


@admin.register(m.Partner)
class PartnerAdmin(_ReroutesOnSave):
    list_display = ("name", "email", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("name", "email")
    inlines = [FacilityInline, PartnerKeyInline]


@admin.register(m.Facility)
class FacilityAdmin(_ReroutesOnSave):
    form = FacilityForm
    list_display = ("code", "name", "partner", "country", "city", "daily_capacity", "cutoff", "time_zone", "active")
    list_filter = ("active", "country", "partner")
    search_fields = ("code", "name", "city")
    inlines = [MaterialInline]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        tasks.enqueue_reroute_held()


class CarrierServiceForm(forms.ModelForm):
    from_countries = CodeListField(help_text="Facility countries, or *.")
    to_countries = CodeListField(help_text="Destinations, or *.")

    class Meta:
        model = m.CarrierService
        fields = "__all__"


class CarrierServiceInline(admin.TabularInline):
    model = m.CarrierService
    form = CarrierServiceForm
    extra = 1
    fields = ("name", "shipment_method_uid", "from_countries", "to_countries", "min_days", "max_days")


class CarrierForm(forms.ModelForm):
    api_base_url = forms.URLField(required=False, assume_scheme="https",
                                  help_text="Where the poll client asks (its tests use a local emulator).")

    class Meta:
        model = m.Carrier
        fields = "__all__"


@admin.register(m.Carrier)
class CarrierAdmin(admin.ModelAdmin):
    form = CarrierForm
    list_display = ("code", "name", "tracking_url_template", "poll_client")
    search_fields = ("code", "name")
    inlines = [CarrierServiceInline]


class TrackingSourceForm(forms.ModelForm):
    secret = forms.CharField(required=False, strip=True, widget=forms.PasswordInput(render_value=False),
                             help_text="The signing secret the source gave you. It is stored encrypted and never shown; "
                                       "leave empty to keep the current one.")

    class Meta:
        model = m.TrackingSource
        fields = ("kind", "name")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("secret") and not (self.instance and self.instance.secret_encrypted):
            self.add_error("secret", "Enter the signing secret: webhooks cannot be verified without it.")
        return cleaned

    def save(self, commit=True):
        from platen.production.services import tracking

        if self.cleaned_data.get("secret"):
            self.instance.secret_encrypted = tracking.sealed(self.cleaned_data["secret"])
        return super().save(commit)


@admin.register(m.TrackingSource)
class TrackingSourceAdmin(admin.ModelAdmin):
    form = TrackingSourceForm
    list_display = ("name", "kind", "id", "created_at")
    readonly_fields = ("id", "created_at")
    fields = ("id", "kind", "name", "secret", "created_at")
