"""One Shopify store behind the GraphQL Admin API, as a real HTTP server on loopback.

The package: state.py (constants, clock, records), query.py (query cost, search, paging), schema.py (the SDL),
views.py (GraphQL views and resolvers), webhooks.py (REST bodies, signed deliveries), server.py (the emulator).

Built from /work/shared/reference/store-platforms.md and Shopify's published reference, not from Platen's connector:

- `POST /admin/api/{version}/graphql.json` with `X-Shopify-Access-Token`; a wrong or missing token answers 401
  `{"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}`. Every answer
  carries `X-Shopify-API-Version` (an unsupported version falls forward to the oldest supported one).
- Queries run on a real GraphQL executor (graphql-core) against SHOPIFY_SDL: `orders`, `order`, `products`,
  `product`, `fulfillmentOrder`, `webhookSubscriptions`, `shop`; mutations `fulfillmentCreate`,
  `fulfillmentEventCreate`, `webhookSubscriptionCreate` (problems in `userErrors`). Connections take
  `first/after/last/before/reverse`, answer `nodes`, `edges {cursor node}` and `pageInfo`; max 250 a page.
  Search syntax in `query:` terms `updated_at:>=`, `created_at:<`, `name:`, `financial_status:`,
  `fulfillment_status:`, `status:`, `id:` (AND), values quoted or not.
- Calculated query cost, a leaky bucket per store: an object costs 1, a connection 2 + `first` x (its node's cost),
  scalars and enums 0, a mutation 10; the requested cost must be available before the query runs, the difference
  to the actual cost (counted on what was answered) is refunded. Not enough: `errors: [{"message": "Throttled",
  "extensions": {"code": "THROTTLED", ...}}]`, no `data`, `actualQueryCost: null`. Over 1000 for one query:
  MAX_COST_EXCEEDED. Plans: PLANS["standard"|"advanced"|"plus"] = (maximumAvailable, restoreRate).
  The bucket reads an injectable `clock` (seconds): with ManualClock tests advance time without sleeping.

Use:

    clock = ManualClock()
    with ShopifyEmulator(plan="standard", clock=clock) as shop:       # or .start() / .stop()
        credentials = Credentials("shopify", shop.domain, shop.token, shop.secret, api_base_url=shop.url)
        connector = Shopify(credentials, client=SafeHttpClient(allow_private=True), sleep=clock.advance, clock=clock)
        api.post("/v4/stores", json=shop.store_payload(importNotConnectedOrders=True))   # Platen's wire shape
        product = shop.add_product("Poster", [{"sku": "POSTER-A3", "options": {"Size": "A3"}}])
        order = shop.add_order(lines=[{"variant": product.variants[0], "quantity": 2,
                                       "properties": {"Name": "Ada"}}])   # paid, unfulfilled by default
        shop.add_order(created_at=..., financial_status="pending", shipping_title=None, shipping_address={...})
        shop.add_orders(20_000)                                          # fast, in memory (benchmarks)
        shop.update_order(order.id, financial_status="refunded")         # bumps updated_at
        shop.cancel_order(order.id); shop.mark_fulfilled(order.id); shop.hold(order.id)
        shop.rest_order(order.id)                                        # the webhook body (REST shape)
        shop.webhook_body("products/update", product.id); shop.privacy_payload("customers/redact", [order.id])
        shop.update_product(product.id, title="..."); shop.delete_product(product.id)
        shop.send_webhook("orders/create", shop.rest_order(order.id), target_url)   # -> Delivery (.status)
        shop.emit("orders/paid", order.id)          # to every subscription of that topic (webhookSubscriptionCreate)
        shop.resend(delivery)                       # the same delivery again (same ids, same bytes)
        shop.fulfillments                           # [Fulfillment] created by fulfillmentCreate (tracking, lines)
        shop.fulfillment_events, shop.subscriptions, shop.throttled, shop.costs (per answered query)
        shop.fail(2, 500); shop.fail(1, 401, after=3)   # scripted failures (after: let n requests through first)
        shop.token = "rotated"                          # every later request answers 401
        shop.drain()                                    # an empty cost bucket (the next query is THROTTLED)
        shop.last_query, shop.last_request, shop.requests

Order times are the shop's local time (fixed offset `utc_offset_hours`, -5 by default) in REST bodies and UTC
(`Z`) in GraphQL, as Shopify answers. Only the bucket uses `clock`; order timestamps use `now` (a callable
returning an aware datetime, the wall clock by default).
"""

from tests.emulators.shopify.server import ShopifyEmulator
from tests.emulators.shopify.state import INVALID_TOKEN, PLANS, VERSIONS, ManualClock

__all__ = ["INVALID_TOKEN", "PLANS", "VERSIONS", "ManualClock", "ShopifyEmulator"]

