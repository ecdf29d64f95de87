"""Wire models of the catalog API (camelCase on the wire, snake_case in Python).

Money and millimetres are JSON numbers, as in the v4 order API that clients already parse (`"price": 5.11`).
They are Decimals inside Platen and are written exactly: amounts have at most two decimal places, so the
number printed is the decimal stored (never a binary-float artefact such as 5.1099999).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict, PlainSerializer
from pydantic.alias_generators import to_camel

# float() of a Decimal with <= 15 significant digits round-trips: JSON shows exactly the stored decimal.
Number = Annotated[Decimal, PlainSerializer(float, return_type=float)]


class Camel(Schema):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Dimensions(Camel):
    width: Number
    height: Number
    bleed: Number
    unit: str = "mm"


class PageCountRule(Camel):
    min: int
    max: int
    step: int


class Weight(Camel):
    value: int
    unit: str = "g"


class RegionAvailability(Camel):
    region: str
    fulfillment_country: str
    in_stock: bool


class Price(Camel):
    currency: str
    price: Number = Field(description="One piece, at the minimum page count for multi-page products.")
    price_per_extra_page: Number | None = Field(None, description="Multi-page products: added per page above the minimum.")


class ProductOut(Camel):
    product_uid: str
    kind: str
    name: str
    dimensions: Dimensions
    file_types: list[str]
    min_ppi: int
    page_count: PageCountRule | None = Field(None, description="Null unless the product is multi-page.")
    weight: Weight
    personalizable: bool
    max_quantity: int = Field(description="Most pieces one order item may ask for.")
    availability: list[RegionAvailability]
    prices: list[Price]


class ProductList(Camel):
    products: list[ProductOut]


class QuoteFile(Camel):
    type: str = "default"
    url: str


class QuoteProductIn(Camel):
    item_reference_id: str = Field(min_length=1, max_length=100)
    product_uid: str = Field(min_length=1, max_length=255)
    quantity: int = Field(ge=1)
    page_count: int | None = Field(None, ge=1)
    files: list[QuoteFile] = []
    file_url: str | None = None  # the v3 shape; accepted and ignored like files (a quote fetches nothing)


class Recipient(Camel):
    country: str = Field(pattern=r"^[A-Z]{2}$")
    state: str | None = None
    post_code: str | None = None
    city: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company_name: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    email: str | None = None
    phone: str | None = None
    is_business: bool | None = None
    federal_tax_id: str | None = None


class QuoteIn(Camel):
    order_reference_id: str | None = None
    customer_reference_id: str | None = None
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    allow_multiple_quotes: bool = Field(False, description="Accepted; one region serves each destination, so there is always one quote.")
    recipient: Recipient
    products: list[QuoteProductIn] = Field(min_length=1)


class QuoteShipmentMethod(Camel):
    name: str
    shipment_method_uid: str
    type: str
    price: Number
    currency: str
    min_delivery_days: int
    max_delivery_days: int


class QuoteProductOut(Camel):
    item_reference_id: str
    product_uid: str
    quantity: int
    price: Number = Field(description="For the whole quantity.")
    currency: str


class QuoteOut(Camel):
    id: str
    item_reference_ids: list[str]
    fulfillment_country: str
    shipment_methods: list[QuoteShipmentMethod] = Field(description="Cheapest first.")
    products: list[QuoteProductOut]


class QuoteResponse(Camel):
    order_reference_id: str | None
    quotes: list[QuoteOut]
