"""The GraphQL schema the Shopify emulator serves."""

from __future__ import annotations

from graphql import build_schema


# --- The schema: the part of the GraphQL Admin API (2026-01) served, trimmed to what an order hub reads ----
# Names and nullability follow Shopify's reference; a field absent here fails validation, as an unknown field does there.

SHOPIFY_SDL = """
scalar DateTime
scalar URL
scalar UnsignedInt64
scalar Decimal

enum CurrencyCode { USD EUR GBP CAD AUD NZD CHF JPY SEK NOK DKK PLN CZK HUF }
enum CountryCode { US CA GB IE DE FR NL BE LU AT CH IT ES PT DK SE NO FI PL CZ AU NZ JP }

enum OrderDisplayFinancialStatus { PENDING AUTHORIZED PARTIALLY_PAID PARTIALLY_REFUNDED VOIDED PAID REFUNDED EXPIRED }
enum OrderDisplayFulfillmentStatus {
  UNFULFILLED PARTIALLY_FULFILLED FULFILLED RESTOCKED PENDING_FULFILLMENT OPEN IN_PROGRESS ON_HOLD SCHEDULED
  REQUEST_DECLINED
}
enum OrderCancelReason { CUSTOMER DECLINED FRAUD INVENTORY STAFF OTHER }
enum OrderSortKeys { CREATED_AT ID NUMBER PROCESSED_AT UPDATED_AT RELEVANCE }
enum ProductSortKeys { CREATED_AT ID TITLE UPDATED_AT RELEVANCE }
enum ProductStatus { ACTIVE ARCHIVED DRAFT }
enum FulfillmentOrderStatus { OPEN IN_PROGRESS CLOSED CANCELLED INCOMPLETE ON_HOLD SCHEDULED }
enum FulfillmentStatus { SUCCESS CANCELLED ERROR FAILURE OPEN PENDING }
enum FulfillmentDisplayStatus {
  ATTEMPTED_DELIVERY CANCELED CONFIRMED DELIVERED FAILURE FULFILLED IN_TRANSIT LABEL_PRINTED LABEL_PURCHASED
  OUT_FOR_DELIVERY PICKED_UP READY_FOR_PICKUP SUBMITTED
}
enum FulfillmentEventStatus {
  ATTEMPTED_DELIVERY CARRIER_PICKED_UP CONFIRMED DELAYED DELIVERED FAILURE IN_TRANSIT LABEL_PRINTED LABEL_PURCHASED
  OUT_FOR_DELIVERY READY_FOR_PICKUP
}
enum WebhookSubscriptionTopic {
  APP_UNINSTALLED ORDERS_CREATE ORDERS_UPDATED ORDERS_PAID ORDERS_CANCELLED ORDERS_FULFILLED ORDERS_PARTIALLY_FULFILLED
  ORDERS_DELETE ORDERS_EDITED PRODUCTS_CREATE PRODUCTS_UPDATE PRODUCTS_DELETE FULFILLMENTS_CREATE FULFILLMENTS_UPDATE
  SHOP_UPDATE
}
enum WebhookSubscriptionFormat { JSON XML }

type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }

type MoneyV2 { amount: Decimal! currencyCode: CurrencyCode! }
type MoneyBag { shopMoney: MoneyV2! presentmentMoney: MoneyV2! }
type Attribute { key: String! value: String }
type SelectedOption { name: String! value: String! }

type MailingAddress {
  id: ID! firstName: String lastName: String name: String company: String address1: String address2: String
  city: String province: String provinceCode: String zip: String country: String countryCodeV2: CountryCode
  phone: String
}

type Shop { id: ID! name: String! email: String! myshopifyDomain: String! currencyCode: CurrencyCode! ianaTimezone: String! }

type Order {
  id: ID! legacyResourceId: UnsignedInt64! name: String! email: String phone: String note: String
  createdAt: DateTime! updatedAt: DateTime! processedAt: DateTime! cancelledAt: DateTime closedAt: DateTime
  cancelReason: OrderCancelReason closed: Boolean! test: Boolean!
  currencyCode: CurrencyCode! displayFinancialStatus: OrderDisplayFinancialStatus
  displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
  totalPriceSet: MoneyBag! subtotalPriceSet: MoneyBag
  customAttributes: [Attribute!]!
  shippingAddress: MailingAddress billingAddress: MailingAddress
  lineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): LineItemConnection!
  shippingLines(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): ShippingLineConnection!
  fulfillmentOrders(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, query: String):
    FulfillmentOrderConnection!
  fulfillments(first: Int): [Fulfillment!]!
}
type OrderEdge { node: Order! cursor: String! }
type OrderConnection { nodes: [Order!]! edges: [OrderEdge!]! pageInfo: PageInfo! }

type LineItem {
  id: ID! name: String! title: String! variantTitle: String sku: String vendor: String
  quantity: Int! currentQuantity: Int! unfulfilledQuantity: Int! requiresShipping: Boolean!
  customAttributes: [Attribute!]! originalUnitPriceSet: MoneyBag!
  product: Product variant: ProductVariant
}
type LineItemEdge { node: LineItem! cursor: String! }
type LineItemConnection { nodes: [LineItem!]! edges: [LineItemEdge!]! pageInfo: PageInfo! }

type ShippingLine { id: ID title: String! code: String source: String carrierIdentifier: String originalPriceSet: MoneyBag! }
type ShippingLineEdge { node: ShippingLine! cursor: String! }
type ShippingLineConnection { nodes: [ShippingLine!]! edges: [ShippingLineEdge!]! pageInfo: PageInfo! }

type Product {
  id: ID! legacyResourceId: UnsignedInt64! title: String! handle: String! vendor: String! productType: String!
  status: ProductStatus! createdAt: DateTime! updatedAt: DateTime!
  variants(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): ProductVariantConnection!
}
type ProductEdge { node: Product! cursor: String! }
type ProductConnection { nodes: [Product!]! edges: [ProductEdge!]! pageInfo: PageInfo! }

type ProductVariant {
  id: ID! legacyResourceId: UnsignedInt64! title: String! displayName: String! sku: String price: Decimal!
  selectedOptions: [SelectedOption!]! product: Product!
}
type ProductVariantEdge { node: ProductVariant! cursor: String! }
type ProductVariantConnection { nodes: [ProductVariant!]! edges: [ProductVariantEdge!]! pageInfo: PageInfo! }

type FulfillmentOrder {
  id: ID! status: FulfillmentOrderStatus! orderId: ID! createdAt: DateTime! updatedAt: DateTime!
  lineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean = false):
    FulfillmentOrderLineItemConnection!
}
type FulfillmentOrderEdge { node: FulfillmentOrder! cursor: String! }
type FulfillmentOrderConnection { nodes: [FulfillmentOrder!]! edges: [FulfillmentOrderEdge!]! pageInfo: PageInfo! }

type FulfillmentOrderLineItem { id: ID! remainingQuantity: Int! totalQuantity: Int! sku: String lineItem: LineItem! }
type FulfillmentOrderLineItemEdge { node: FulfillmentOrderLineItem! cursor: String! }
type FulfillmentOrderLineItemConnection {
  nodes: [FulfillmentOrderLineItem!]! edges: [FulfillmentOrderLineItemEdge!]! pageInfo: PageInfo!
}

type FulfillmentTrackingInfo { number: String url: URL company: String }
type Fulfillment {
  id: ID! legacyResourceId: UnsignedInt64! name: String! status: FulfillmentStatus!
  displayStatus: FulfillmentDisplayStatus createdAt: DateTime! updatedAt: DateTime! order: Order!
  trackingInfo(first: Int): [FulfillmentTrackingInfo!]!
}
type FulfillmentEvent { id: ID! status: FulfillmentEventStatus! message: String happenedAt: DateTime! }

type UserError { field: [String!] message: String! }

type WebhookSubscription {
  id: ID! legacyResourceId: UnsignedInt64! topic: WebhookSubscriptionTopic! format: WebhookSubscriptionFormat!
  uri: String! callbackUrl: URL! createdAt: DateTime! updatedAt: DateTime! includeFields: [String!]! filter: String
}
type WebhookSubscriptionEdge { node: WebhookSubscription! cursor: String! }
type WebhookSubscriptionConnection {
  nodes: [WebhookSubscription!]! edges: [WebhookSubscriptionEdge!]! pageInfo: PageInfo!
}

type Query {
  shop: Shop!
  order(id: ID!): Order
  orders(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, sortKey: OrderSortKeys = ID,
         query: String): OrderConnection!
  product(id: ID!): Product
  products(first: Int, after: String, last: Int, before: String, reverse: Boolean = false,
           sortKey: ProductSortKeys = ID, query: String): ProductConnection!
  fulfillmentOrder(id: ID!): FulfillmentOrder
  webhookSubscriptions(first: Int, after: String, last: Int, before: String, reverse: Boolean = false):
    WebhookSubscriptionConnection!
}

input FulfillmentOrderLineItemInput { id: ID! quantity: Int! }
input FulfillmentOrderLineItemsInput {
  fulfillmentOrderId: ID! fulfillmentOrderLineItems: [FulfillmentOrderLineItemInput!]
}
input FulfillmentTrackingInput { number: String url: URL company: String numbers: [String!] urls: [URL!] }
input FulfillmentInput {
  lineItemsByFulfillmentOrder: [FulfillmentOrderLineItemsInput!]! trackingInfo: FulfillmentTrackingInput
  notifyCustomer: Boolean = false
}
input FulfillmentEventInput {
  fulfillmentId: ID! status: FulfillmentEventStatus! message: String happenedAt: DateTime
  estimatedDeliveryAt: DateTime city: String province: String country: String zip: String address1: String
}
input WebhookSubscriptionInput {
  uri: String callbackUrl: URL format: WebhookSubscriptionFormat = JSON includeFields: [String!] filter: String
}

type FulfillmentCreatePayload { fulfillment: Fulfillment userErrors: [UserError!]! }
type FulfillmentEventCreatePayload { fulfillmentEvent: FulfillmentEvent userErrors: [UserError!]! }
type WebhookSubscriptionCreatePayload { webhookSubscription: WebhookSubscription userErrors: [UserError!]! }

type Mutation {
  fulfillmentCreate(fulfillment: FulfillmentInput!, message: String): FulfillmentCreatePayload
  fulfillmentEventCreate(fulfillmentEvent: FulfillmentEventInput!): FulfillmentEventCreatePayload
  webhookSubscriptionCreate(topic: WebhookSubscriptionTopic!, webhookSubscription: WebhookSubscriptionInput!):
    WebhookSubscriptionCreatePayload
}
"""


SCHEMA = build_schema(SHOPIFY_SDL)  # UnsignedInt64 values are answered as strings, as Shopify does (the views hold str)
