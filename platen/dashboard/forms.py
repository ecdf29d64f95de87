"""The shipping-address form. Validation lives in orders.schemas.AddressIn and the service;
this form only renders the fields (named by their wire names) and carries their errors back."""

from __future__ import annotations

import pydantic
from django import forms

from platen.kit.errors import pydantic_details
from platen.orders.schemas import AddressIn
from platen.orders.presenters import ADDRESS_WIRE

# (wire name, label, required, max length); the country is shown read-only, it never changes.
ADDRESS_FIELDS = [
    ("firstName", "First name", True, 25),
    ("lastName", "Last name", True, 25),
    ("companyName", "Company", False, 60),
    ("addressLine1", "Address line 1", True, 35),
    ("addressLine2", "Address line 2", False, 35),
    ("city", "City", True, 30),
    ("postCode", "Post code", True, 15),
    ("state", "State or region", False, 35),
    ("email", "E-mail", True, 254),
    ("phone", "Phone", False, 25),
    ("federalTaxId", "Federal tax id", False, 50),
    ("stateTaxId", "State tax id", False, 50),
]
WIDGETS = {"email": forms.EmailInput, "phone": forms.TextInput}
AUTOCOMPLETE = {
    "firstName": "given-name", "lastName": "family-name", "companyName": "organization",
    "addressLine1": "address-line1", "addressLine2": "address-line2", "city": "address-level2",
    "postCode": "postal-code", "state": "address-level1", "email": "email", "phone": "tel",
}


class AddressForm(forms.Form):
    def __init__(self, *args, country: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.country = country
        for name, label, required, max_length in ADDRESS_FIELDS:
            attrs = {"autocomplete": AUTOCOMPLETE.get(name, "off"), "maxlength": max_length}
            if required:
                attrs["required"] = True
            widget = WIDGETS.get(name, forms.TextInput)(attrs=attrs)
            # Not required here: AddressIn decides, so the rules and their messages exist once.
            self.fields[name] = forms.CharField(label=label, required=False, strip=False, widget=widget)

    @classmethod
    def for_address(cls, address) -> AddressForm:
        columns = dict(ADDRESS_WIRE)
        initial = {name: getattr(address, columns[name]) or "" for name, *_ in ADDRESS_FIELDS}
        return cls(initial=initial, country=address.country)

    def to_address_in(self) -> AddressIn | None:
        """The AddressIn for the posted values, or None with the problems added as field errors."""
        if not self.is_valid():
            return None
        # A blank required field is left out, so AddressIn says "This field is required."; a blank
        # optional one is sent as "" so that clearing it (e.g. address line 2) takes effect.
        data = {name: value for name, _, required, _ in ADDRESS_FIELDS
                if (value := self.cleaned_data.get(name, "")).strip() or not required}
        try:
            return AddressIn(**data, country=self.country)
        except pydantic.ValidationError as exc:
            self.add_details(pydantic_details(exc.errors()))
            return None

    def add_details(self, details) -> None:
        """Service/schema details ("shippingAddress.postCode", "city") onto the matching fields."""
        for detail in details:
            name = detail.field.rsplit(".", 1)[-1]
            self.add_error(name if name in self.fields else None, detail.message)
