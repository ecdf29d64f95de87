"""The whole catalog is editable here; every save bumps the catalog version (signals.py)."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from platen.catalog import models as m


class CodeListField(forms.CharField):
    """A JSON list of codes edited as "DE, FR, NL"."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [code.strip().upper() for code in text.replace("\n", ",").split(",") if code.strip()]


def _countries(required: bool = True, help_text: str = "Two-letter codes separated by commas, e.g. DE, FR, NL."):
    return CodeListField(required=required, help_text=help_text, widget=forms.Textarea(attrs={"rows": 2}))


class CustomsZoneForm(forms.ModelForm):
    countries = _countries(required=False)

    class Meta:
        model = m.CustomsZone
        fields = "__all__"


class RegionForm(forms.ModelForm):
    countries = _countries(required=False)

    class Meta:
        model = m.Region
        fields = "__all__"


class ProductForm(forms.ModelForm):
    file_types = forms.TypedMultipleChoiceField(choices=m.FileType.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = m.Product
        fields = "__all__"


class RestrictionForm(forms.ModelForm):
    countries = _countries()

    class Meta:
        model = m.ShippingRestriction
        fields = "__all__"


@admin.register(m.CustomsZone)
class CustomsZoneAdmin(admin.ModelAdmin):
    form = CustomsZoneForm
    list_display = ["code", "name", "country_list"]
    search_fields = ["code", "name"]

    @admin.display(description="countries")
    def country_list(self, obj):
        return ", ".join(obj.countries)


@admin.register(m.Region)
class RegionAdmin(admin.ModelAdmin):
    form = RegionForm
    list_display = ["code", "name", "fulfillment_country", "customs_zone", "stock_region", "rest_of_world", "country_list"]
    search_fields = ["code", "name"]

    @admin.display(description="countries")
    def country_list(self, obj):
        return "rest of the world" if obj.rest_of_world and not obj.countries else ", ".join(obj.countries)


class PriceInline(admin.TabularInline):
    model = m.ProductPrice
    extra = 0


class AvailabilityInline(admin.TabularInline):
    model = m.ProductAvailability
    extra = 0


class PriceBreakInline(admin.TabularInline):
    model = m.ProductPriceBreak
    extra = 0
    verbose_name_plural = "quantity price breaks (price of one piece from a quantity on)"


class AttributeLinkInline(admin.TabularInline):
    model = m.ProductAttributeLink
    extra = 0
    autocomplete_fields = ["value"]
    verbose_name_plural = "attributes (one value per attribute)"


class DimensionInline(admin.TabularInline):
    model = m.ProductDimension
    extra = 0
    verbose_name_plural = "dimensions of the finished product (default: the print's width and height)"


@admin.register(m.Product)
class ProductAdmin(admin.ModelAdmin):
    form = ProductForm
    inlines = [PriceInline, PriceBreakInline, AvailabilityInline, AttributeLinkInline, DimensionInline]
    list_display = ["uid", "kind", "catalog", "name", "width_mm", "height_mm", "max_quantity"]
    list_filter = ["kind", "catalog", "personalizable"]
    list_select_related = ["catalog"]
    search_fields = ["uid", "name"]
    fieldsets = [
        (None, {"fields": ["uid", "kind", "catalog", "name", "personalizable", "max_quantity", "weight_g"]}),
        ("Print file", {"fields": ["width_mm", "height_mm", "bleed_mm", "file_types", "min_ppi", "sides"]}),
        ("Pages (multi-page products only)", {"fields": ["page_count_min", "page_count_max", "page_count_step"]}),
    ]


class RateInline(admin.TabularInline):
    model = m.ShipmentRate
    extra = 0
    show_change_link = True  # prices per currency are edited on the rate's own page


@admin.register(m.ShipmentMethod)
class ShipmentMethodAdmin(admin.ModelAdmin):
    inlines = [RateInline]
    list_display = ["uid", "name", "type", "has_tracking", "is_business", "is_private"]
    list_display = ["uid", "name", "type", "requires_phone"]
    list_filter = ["type"]
    search_fields = ["uid", "name"]


class RatePriceInline(admin.TabularInline):
    model = m.ShipmentRatePrice
    extra = 0


@admin.register(m.ShipmentRate)
class ShipmentRateAdmin(admin.ModelAdmin):
    inlines = [RatePriceInline]
    list_display = ["method", "region", "country", "min_days", "max_days"]
    list_filter = ["method", "region"]
    list_select_related = ["method", "region"]


@admin.register(m.ShippingRestriction)
class ShippingRestrictionAdmin(admin.ModelAdmin):
    form = RestrictionForm
    list_display = ["__str__", "reason"]
    list_filter = ["kind"]
    autocomplete_fields = ["product"]


@admin.register(m.QuantityLimit)
class QuantityLimitAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "max_per_order"]


@admin.register(m.CrossBorderRequirement)
class CrossBorderRequirementAdmin(admin.ModelAdmin):
    list_display = ["__str__", "country", "requirement"]


@admin.register(m.Catalog)
class CatalogAdmin(admin.ModelAdmin):
    list_display = ["uid", "title", "position"]
    list_editable = ["position"]
    search_fields = ["uid", "title"]


class AttributeValueInline(admin.TabularInline):
    model = m.ProductAttributeValue
    extra = 0


@admin.register(m.ProductAttribute)
class ProductAttributeAdmin(admin.ModelAdmin):
    inlines = [AttributeValueInline]
    list_display = ["uid", "title"]
    search_fields = ["uid", "title"]


@admin.register(m.ProductAttributeValue)
class ProductAttributeValueAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "position"]
    list_filter = ["attribute"]
    list_select_related = ["attribute"]
    search_fields = ["uid", "title", "attribute__uid"]
@admin.register(m.VatRate)
class VatRateAdmin(admin.ModelAdmin):
    list_display = ["country", "rate"]
    search_fields = ["country"]
