"""The product catalog: what can be printed, where it is made, what it costs and the rules that limit it.

Everything here is plain data an operator can edit in the admin; the shipped defaults live in
data/catalog.yaml (see loader.py). Business rules are rows, not code, so changing a rule never needs a
release. Saving any row bumps CatalogVersion, which invalidates the per-process snapshot (snapshot.py).
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

# Own codes: a model field swaps the message of a validator whose code is "invalid" for its generic one.
COUNTRY = RegexValidator(r"^[A-Z]{2}$", "Use two-letter ISO 3166-1 country codes in capitals, e.g. DE.", "invalid_country")
CURRENCY = RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO 4217 currency code in capitals, e.g. EUR.", "invalid_currency")
MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(0)]}
MM = {"max_digits": 7, "decimal_places": 1, "validators": [MinValueValidator(0)]}


class ProductKind(models.TextChoices):
    POSTER = "poster", "Poster"
    CANVAS = "canvas", "Canvas"
    FRAMED_POSTER = "framed_poster", "Framed poster"
    T_SHIRT = "t_shirt", "T-shirt"
    HOODIE = "hoodie", "Hoodie"
    MUG = "mug", "Mug"
    GREETING_CARD = "greeting_card", "Greeting card"
    PHOTO_BOOK = "photo_book", "Photo book"


class FileType(models.TextChoices):
    PDF = "pdf", "PDF"
    PNG = "png", "PNG"
    JPEG = "jpeg", "JPEG"
    TIFF = "tiff", "TIFF"


class ShipmentType(models.TextChoices):
    NORMAL = "normal", "Normal"
    STANDARD = "standard", "Standard"
    EXPRESS = "express", "Express"


class StockRegion(models.TextChoices):
    """The stock regions of the v3 stock API; each Platen region reports its stock under one of them."""

    US_CA = "US-CA", "United States and Canada"
    EU = "EU", "Europe"
    UK = "UK", "United Kingdom"
    AS = "AS", "Asia"
    OC = "OC", "Oceania"
    SA = "SA", "South America"
    ROW = "ROW", "Rest of the world"


class Requirement(models.TextChoices):
    PHONE = "phone", "Recipient phone number"
    FEDERAL_TAX_ID = "federal_tax_id", "Recipient federal tax id"


def validate_countries(value) -> None:
    if not isinstance(value, list):
        raise ValidationError("Give a list of two-letter country codes.")
    for code in value:
        if not isinstance(code, str):  # e.g. YAML reads an unquoted NO (Norway) as false
            raise ValidationError(f"{code!r} is not a two-letter country code; write codes as text, e.g. 'NO'.")
        COUNTRY(code)


def validate_file_types(value) -> None:
    allowed = set(FileType.values)
    if not isinstance(value, list) or not value or not set(value) <= allowed:
        raise ValidationError(f"Give a non-empty list made of: {', '.join(FileType.values)}.")


class CustomsZone(models.Model):
    """Countries that form one customs territory; shipping between two zones needs customs data.

    A country listed in no zone is its own customs territory.
    """

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    countries = models.JSONField(default=list, blank=True, validators=[validate_countries])

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Region(models.Model):
    """Where orders for a set of destination countries are produced and shipped from."""

    code = models.CharField(max_length=10, unique=True, help_text="e.g. EU, US, GB, CA, AU, ROW")
    name = models.CharField(max_length=100)
    countries = models.JSONField(default=list, blank=True, validators=[validate_countries],
                                 help_text="Destination countries this region serves.")
    rest_of_world = models.BooleanField(default=False,
                                        help_text="Serves every destination no other region lists (one region at most).")
    fulfillment_country = models.CharField(max_length=2, validators=[COUNTRY])
    stock_region = models.CharField(max_length=5, choices=StockRegion.choices, blank=True,
                                    help_text="The stock region of the v3 stock API this region's stock counts for.")
    customs_zone = models.ForeignKey(CustomsZone, on_delete=models.PROTECT, related_name="regions",
                                     help_text="The customs zone the region ships from.")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if self.rest_of_world and Region.objects.filter(rest_of_world=True).exclude(pk=self.pk).exists():
            raise ValidationError({"rest_of_world": "Another region already serves the rest of the world."})


UID = RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", "Use letters, digits, '-', '_' and '.' only, e.g. PaperFormat or 300x400-mm.",
                     "invalid_uid")


class Catalog(models.Model):
    """A group of products that share attributes (the v3 catalog API): posters, mugs, t-shirts, ..."""

    uid = models.CharField(max_length=100, unique=True, validators=[UID], help_text="The catalogUid, e.g. posters.")
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0, help_text="Lists show catalogs in this order.")

    class Meta:
        ordering = ["position", "uid"]

    def __str__(self) -> str:
        return self.uid


class ProductAttribute(models.Model):
    """A property products are told apart by, e.g. PaperFormat or GarmentSize."""

    uid = models.CharField(max_length=100, unique=True, validators=[UID], help_text="The productAttributeUid, e.g. PaperFormat.")
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["uid"]

    def __str__(self) -> str:
        return self.uid


class ProductAttributeValue(models.Model):
    attribute = models.ForeignKey(ProductAttribute, on_delete=models.CASCADE, related_name="values")
    uid = models.CharField(max_length=100, validators=[UID], help_text="The productAttributeValueUid, e.g. A4.")
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0, help_text="Values of one attribute are listed in this order.")

    class Meta:
        ordering = ["attribute__uid", "position", "uid"]
        constraints = [models.UniqueConstraint(fields=["attribute", "uid"], name="catalog_attribute_value_once")]

    def __str__(self) -> str:
        return f"{self.attribute.uid}: {self.uid}"


class Product(models.Model):
    uid = models.CharField(max_length=255, unique=True, help_text="The productUid merchants send.")
    catalog = models.ForeignKey(Catalog, null=True, blank=True, on_delete=models.SET_NULL, related_name="products",
                                help_text="The catalog that lists the product (v3 catalog API).")
    kind = models.CharField(max_length=20, choices=ProductKind.choices, db_index=True)
    name = models.CharField(max_length=200)
    width_mm = models.DecimalField(**MM, help_text="Print (file) width without bleed.")
    height_mm = models.DecimalField(**MM, help_text="Print (file) height without bleed.")
    bleed_mm = models.DecimalField(**MM, default=0)
    file_types = models.JSONField(default=list, validators=[validate_file_types])
    min_ppi = models.PositiveIntegerField(default=300, help_text="Minimum effective resolution of images.")
    sides = models.PositiveSmallIntegerField(default=1, choices=[(1, "One side"), (2, "Both sides")],
                                             help_text="Printed sides of a single-page product: its file has one page per side.")
    page_count_min = models.PositiveIntegerField(null=True, blank=True, help_text="Empty unless multi-page.")
    page_count_max = models.PositiveIntegerField(null=True, blank=True)
    page_count_step = models.PositiveIntegerField(null=True, blank=True)
    weight_g = models.PositiveIntegerField(help_text="Shipping weight in grams (at the minimum page count).")
    personalizable = models.BooleanField(default=False)
    max_quantity = models.PositiveIntegerField(default=100, validators=[MinValueValidator(1)],
                                               help_text="Most pieces one order item may ask for.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "uid"]

    def __str__(self) -> str:
        return self.uid

    @property
    def is_multi_page(self) -> bool:
        return self.page_count_min is not None

    def clean(self) -> None:
        rules = (self.page_count_min, self.page_count_max, self.page_count_step)
        if any(r is not None for r in rules):
            if any(r is None for r in rules):
                raise ValidationError("Give the page count minimum, maximum and step together, or none of them.")
            low, high, step = rules
            if step < 1 or low > high or (high - low) % step:
                raise ValidationError("The page count maximum must be the minimum plus a whole number of steps.")


class ProductPrice(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    currency = models.CharField(max_length=3, validators=[CURRENCY])
    amount = models.DecimalField(**MONEY, help_text="Price of one piece (at the minimum page count).")
    per_extra_page = models.DecimalField(**MONEY, default=0, help_text="Added per page above the minimum.")

    class Meta:
        ordering = ["currency"]
        constraints = [models.UniqueConstraint(fields=["product", "currency"], name="catalog_price_once_per_currency")]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class ProductPriceBreak(models.Model):
    """A lower price per piece when one item asks for at least min_quantity pieces."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_breaks")
    currency = models.CharField(max_length=3, validators=[CURRENCY])
    min_quantity = models.PositiveIntegerField(validators=[MinValueValidator(2)])
    amount = models.DecimalField(**MONEY, help_text="Price of one piece from this quantity on (at the minimum page count).")

    class Meta:
        ordering = ["currency", "min_quantity"]
        constraints = [models.UniqueConstraint(fields=["product", "currency", "min_quantity"], name="catalog_price_break_once")]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} from {self.min_quantity}"


class ProductDimension(models.Model):
    """A measure of the finished product (not of its print file), e.g. Width, Height, Thickness."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="dimensions")
    name = models.CharField(max_length=30, validators=[RegexValidator(r"^[A-Z][A-Za-z]*$", "Use a capitalised word, e.g. Width.", "invalid_name")])
    value_mm = models.DecimalField(max_digits=9, decimal_places=3, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="catalog_dimension_once")]

    def __str__(self) -> str:
        return f"{self.name} {self.value_mm} mm"


class ProductAttributeLink(models.Model):
    """The value a product has for one attribute (the attribute is repeated so the database keeps it unique)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="attribute_links")
    attribute = models.ForeignKey(ProductAttribute, on_delete=models.CASCADE, related_name="+")
    value = models.ForeignKey(ProductAttributeValue, on_delete=models.CASCADE, related_name="links")

    class Meta:
        ordering = ["attribute__uid"]
        constraints = [models.UniqueConstraint(fields=["product", "attribute"], name="catalog_one_value_per_attribute",
                                               violation_error_message="A product has one value per attribute.")]

    def __str__(self) -> str:
        return f"{self.product}: {self.value}"

    def clean(self) -> None:
        if self.value_id and self.attribute_id and self.value.attribute_id != self.attribute_id:
            raise ValidationError({"value": f"{self.value} is not a value of {self.attribute}; choose one of its values."})


class ProductAvailability(models.Model):
    """A product is offered in a region when a row exists; in_stock=False means temporarily not."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="availability")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="availability")
    in_stock = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "product availability"
        ordering = ["region__code"]
        constraints = [models.UniqueConstraint(fields=["product", "region"], name="catalog_availability_once")]

    def __str__(self) -> str:
        return f"{self.product} in {self.region}: {'in stock' if self.in_stock else 'out of stock'}"


class ShipmentMethod(models.Model):
    uid = models.CharField(max_length=100, unique=True, help_text="The shipmentMethodUid merchants send.")
    name = models.CharField(max_length=100)
    type = models.CharField(max_length=10, choices=ShipmentType.choices)
    has_tracking = models.BooleanField(default=True)
    is_business = models.BooleanField(default=True, help_text="Delivers to business addresses.")
    is_private = models.BooleanField(default=True, help_text="Delivers to private addresses.")
    requires_phone = models.BooleanField(default=False, help_text="The carrier needs the recipient's phone number "
                                                                  "(e.g. express couriers that call before delivery).")

    class Meta:
        ordering = ["type", "uid"]

    def __str__(self) -> str:
        return self.uid


class ShipmentRate(models.Model):
    """A method ships from a region to the countries it serves (or to one country, which then overrides)."""

    method = models.ForeignKey(ShipmentMethod, on_delete=models.CASCADE, related_name="rates")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="rates")
    country = models.CharField(max_length=2, blank=True, validators=[COUNTRY],
                               help_text="Empty: every country of the region; a code: only that country.")
    min_days = models.PositiveIntegerField()
    max_days = models.PositiveIntegerField()

    class Meta:
        ordering = ["method__uid", "region__code", "country"]
        constraints = [models.UniqueConstraint(fields=["method", "region", "country"], name="catalog_rate_once")]

    def __str__(self) -> str:
        return f"{self.method} {self.region}{'/' + self.country if self.country else ''}"

    def clean(self) -> None:
        if self.min_days is not None and self.max_days is not None and self.min_days > self.max_days:
            raise ValidationError("The minimum delivery days cannot exceed the maximum.")


class ShipmentRatePrice(models.Model):
    rate = models.ForeignKey(ShipmentRate, on_delete=models.CASCADE, related_name="prices")
    currency = models.CharField(max_length=3, validators=[CURRENCY])
    amount = models.DecimalField(**MONEY, help_text="Shipping for the first piece.")
    additional_item_amount = models.DecimalField(**MONEY, default=0, help_text="Added for each further piece.")

    class Meta:
        ordering = ["currency"]
        constraints = [models.UniqueConstraint(fields=["rate", "currency"], name="catalog_rate_price_once")]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class ShippingRestriction(models.Model):
    """Destinations refused for one product, for a whole kind, or (neither set) for everything."""

    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.CASCADE, related_name="restrictions")
    kind = models.CharField(max_length=20, choices=ProductKind.choices, blank=True)
    countries = models.JSONField(default=list, validators=[validate_countries])
    reason = models.CharField(max_length=200, help_text="Shown to merchants, e.g. 'carriers refuse glass-fronted frames there'.")

    class Meta:
        ordering = ["kind", "product__uid"]

    def __str__(self) -> str:
        return f"{self.product or self.kind or 'all products'} not to {', '.join(self.countries)}"

    def clean(self) -> None:
        if self.product_id and self.kind:
            raise ValidationError("Restrict either one product or one kind, not both.")


class QuantityLimit(models.Model):
    """Most pieces one order may hold, of one kind or (kind empty) in total."""

    kind = models.CharField(max_length=20, choices=ProductKind.choices, blank=True, unique=True)
    max_per_order = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.kind or 'all products'}: {self.max_per_order} per order"


class CrossBorderRequirement(models.Model):
    """What a shipment needs when its destination is in another customs zone than the region it ships from."""

    country = models.CharField(max_length=2, blank=True, validators=[COUNTRY],
                               help_text="Empty: every cross-border destination; a code: only that destination.")
    requirement = models.CharField(max_length=20, choices=Requirement.choices)

    class Meta:
        ordering = ["country", "requirement"]
        constraints = [models.UniqueConstraint(fields=["country", "requirement"], name="catalog_requirement_once")]

    def __str__(self) -> str:
        return f"{self.get_requirement_display()} for {self.country or 'every cross-border destination'}"


class VatRate(models.Model):
    """The standard VAT (or GST) rate charged on orders shipped to a country; a country with no row pays none."""

    country = models.CharField(max_length=2, unique=True, validators=[COUNTRY])
    rate = models.DecimalField(max_digits=5, decimal_places=2, validators=[MinValueValidator(0)],
                               help_text="Percent, e.g. 19.00 for 19 %.")

    class Meta:
        verbose_name = "VAT rate"
        ordering = ["country"]

    def __str__(self) -> str:
        return f"{self.country}: {self.rate} %"


class CatalogVersion(models.Model):
    """One row whose token changes on every catalog change; processes compare it with their cached snapshot.

    A random token (not a counter) so a rolled-back change can never be mistaken for a later one.
    """

    token = models.CharField(max_length=32, default="")
    changed_at = models.DateTimeField(auto_now=True)

    @classmethod
    def bump(cls) -> None:
        from platen.catalog import snapshot  # here, not at the top: snapshot imports these models

        cls.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})
        snapshot.forget()

    @classmethod
    def current(cls) -> str:
        return cls.objects.filter(pk=1).values_list("token", flat=True).first() or ""
