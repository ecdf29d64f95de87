"""The catalog, price, stock and shipment-method endpoints of the reference, read as an existing client reads
them: discover a catalog, search it, then ask about one of its products."""

import pytest


@pytest.fixture(scope="module")
def catalog_and_product(client):
    catalogs = client.catalogs()
    assert catalogs, "no catalogs"
    catalog = client.catalog(catalogs[0].catalogUid)
    found = client.search_products(catalog.catalogUid, limit=5)
    assert found.products, f"no products in {catalog.catalogUid}"
    return catalog, found.products[0]


def test_catalogs_have_attributes_with_values(client):
    catalogs = client.catalogs()
    assert len({c.catalogUid for c in catalogs}) == len(catalogs) >= 2
    for summary in catalogs:
        catalog = client.catalog(summary.catalogUid)
        assert catalog.title == summary.title
        assert catalog.productAttributes and all(a.values for a in catalog.productAttributes)


def test_product_search_filters_and_counts_hits(client, catalog_and_product):
    catalog, product = catalog_and_product
    attribute, value = next(iter(product.attributes.items()))
    everything = client.search_products(catalog.catalogUid, limit=100)
    assert everything.hits.attributeHits[attribute][value] >= 1
    filtered = client.search_products(catalog.catalogUid, {attribute: [value]}, limit=100)
    assert filtered.products and all(p.attributes[attribute] == value for p in filtered.products)
    assert len(filtered.products) == everything.hits.attributeHits[attribute][value] or len(filtered.products) == 100
    page = client.search_products(catalog.catalogUid, limit=1, offset=1)
    assert len(page.products) <= 1


def test_one_product(client, catalog_and_product):
    _, found = catalog_and_product
    product = client.product(found.productUid)
    assert product.productUid == found.productUid and product.attributes == found.attributes
    assert not set(product.supportedCountries) & set(product.notSupportedCountries)


def test_prices_per_quantity_break(client, catalog_and_product):
    _, found = catalog_and_product
    country = found.supportedCountries[0] if found.supportedCountries else "DE"
    prices = client.prices(found.productUid, country=country, currency="EUR")
    assert prices and all(p.productUid == found.productUid and p.currency == "EUR" and p.price > 0 for p in prices)
    quantities = [p.quantity for p in prices]
    assert len(set(quantities)) == len(quantities)  # one price per quantity break


def test_stock_by_region(client, catalog_and_product):
    _, found = catalog_and_product
    stock = client.stock([found.productUid])
    [entry] = stock.productsAvailability
    assert entry.productUid == found.productUid and entry.availability


def test_shipment_methods(client):
    everywhere = client.shipment_methods()
    assert everywhere.shipmentMethods
    to_germany = client.shipment_methods("DE")
    assert to_germany.shipmentMethods
    assert all("DE" in m.supportedCountries for m in to_germany.shipmentMethods)
