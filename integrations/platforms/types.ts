/**
 * The one interface every store platform adapter implements. An adapter speaks its platform's
 * protocol (authentication, request signing, paging, rate limits, error format) and turns the
 * platform's orders into `PlatformOrder`s; everything after that (mapping, addresses, storage,
 * state) is the server's and identical for every platform.
 *
 * Adapters are plain objects without state of their own: each call gets the connection.
 */

export type PlatformName = 'shopify' | 'woocommerce' | 'taobao';

/** Where and as whom to call: the store's `baseUrl` (a fake in tests) and its decrypted credentials. */
export interface PlatformConnection {
  storeId: number;
  baseUrl: string;
  credentials: Record<string, string>;
  /** per-request timeout; default 15 s */
  timeoutMs?: number;
}

/** A line as the platform sells it: a listing, not yet a warehouse SKU. */
export interface PlatformOrderLine {
  /** the platform's own id of this line (line item id, oid); stable across updates */
  externalLineId: string;
  /** the seller's code on the listing (Shopify variant sku, WooCommerce sku, Taobao outer_sku_id or outer_iid); may be empty */
  listingCode: string | null;
  /** the platform's variant / SKU id (Shopify variant_id, WooCommerce variation_id or product_id, Taobao sku_id or num_iid) */
  variantId: string | null;
  title: string | null;
  qty: number;
  /** unit price in fen, when the platform says */
  priceFen: number | null;
}

export interface PlatformReceiver {
  name: string;
  phone: string;
  /** province / city / district when the platform gives them apart; otherwise null and `address` holds it all */
  province: string | null;
  city: string | null;
  district: string | null;
  /** street and house, or the whole address in one line when the parts above are null */
  address: string;
  postcode: string | null;
}

/**
 * The platform's order, normalised. `paid` and `cancelled` are the platform's word on payment and
 * cancellation; `updatedAt` orders updates (an older one never overwrites a newer one).
 */
export interface PlatformOrder {
  externalId: string;
  /** the platform's own status string, kept for display */
  platformStatus: string;
  paid: boolean;
  cancelled: boolean;
  /** ISO-8601 */
  updatedAt: string;
  createdAt: string | null;
  receiver: PlatformReceiver;
  lines: PlatformOrderLine[];
  totalFen: number | null;
  currency: string | null;
  buyerNote: string | null;
}

/** An order in a page that could not be read; it is reported, the rest of the page is kept. */
export interface MalformedOrder {
  externalId: string | null;
  reason: string;
}

export interface PullWindow {
  /** inclusive */
  from: Date;
  /** exclusive */
  to: Date;
}

export interface OrderPage {
  orders: PlatformOrder[];
  malformed: MalformedOrder[];
  /** opaque token for the next page of the same window, null when this was the last */
  next: string | null;
}

/** The raw HTTP request of a webhook, as received (the body as bytes: signatures are over bytes). */
export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  /** the query string parameters, for platforms that sign them */
  query: Record<string, string>;
}

export type WebhookResult =
  | {
      kind: 'orders';
      /** the platform's id of this delivery, for dropping re-deliveries; null when it has none */
      deliveryId: string | null;
      topic: string;
      orders: PlatformOrder[];
      malformed: MalformedOrder[];
    }
  | {
      /** a notification naming orders without their content: the server fetches them */
      kind: 'fetch';
      deliveryId: string | null;
      topic: string;
      externalIds: string[];
    }
  | {
      /** a verified delivery with nothing to do (a ping, a topic we do not use) */
      kind: 'ignore';
      deliveryId: string | null;
      topic: string;
    };

export interface ShipmentWriteBack {
  externalId: string;
  /** our carrier's code and name (the adapter turns them into the platform's code, see carrier-codes.ts) */
  carrierCode: string;
  carrierName: string;
  /** our carrier's adapter (sf, zto, kuaidi100, local): a second hint for the platform's code */
  carrierAdapter?: string;
  trackingNo: string;
  /** the platform line ids in this parcel; null = the whole order */
  externalLineIds: string[] | null;
}

/**
 * What a write-back achieved. `already_shipped`: the platform had the order (or these lines)
 * shipped before this call, by an earlier write-back whose answer was lost or by the seller by hand;
 * for the warehouse that is success, and `detail` says what the platform holds.
 */
export type ShipmentWriteBackResult = { outcome: 'shipped' } | { outcome: 'already_shipped'; detail: string };

export type PlatformErrorKind =
  /** 429 or the platform's own throttling error: retry after `retryAfterMs` */
  | 'rate_limited'
  /** credentials refused (401/403, invalid session, bad signature on our request) */
  | 'auth'
  /** 5xx or a platform "system busy" error: retry later */
  | 'unavailable'
  /** no answer within the timeout, or the connection failed */
  | 'timeout'
  /** the answer could not be understood */
  | 'bad_response'
  /** the platform refused the request for a business reason (e.g. already shipped) */
  | 'rejected';

/** Every failure of an adapter call is one of these, with a message a supervisor can act on. */
export class PlatformError extends Error {
  constructor(
    readonly kind: PlatformErrorKind,
    message: string,
    readonly opts: { status?: number; retryAfterMs?: number; platformCode?: string } = {},
  ) {
    super(message);
    this.name = 'PlatformError';
  }

  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'unavailable' || this.kind === 'timeout';
  }
}

/** A webhook whose signature does not verify, or that is not for this store. */
export class WebhookRejected extends Error {
  constructor(
    readonly code: 'INVALID_SIGNATURE' | 'STALE_WEBHOOK' | 'MALFORMED_WEBHOOK',
    message: string,
  ) {
    super(message);
    this.name = 'WebhookRejected';
  }
}

export interface PlatformAdapter {
  readonly platform: PlatformName;
  /** the credential names the platform uses, each required */
  readonly credentialNames: readonly string[];
  /** the longest time window one pull may ask for (the platform's own limit) */
  readonly maxWindowMs: number;
  /** orders per page requested */
  readonly pageSize: number;

  /** One page of orders changed (created or updated) within the window. */
  pullOrders(conn: PlatformConnection, window: PullWindow, pageToken: string | null): Promise<OrderPage>;
  /** Orders by the platform's id (after a `fetch` webhook). */
  fetchOrders(conn: PlatformConnection, externalIds: string[]): Promise<{ orders: PlatformOrder[]; malformed: MalformedOrder[] }>;
  /** Verifies the signature the platform's way, then parses. Throws WebhookRejected. */
  parseWebhook(conn: PlatformConnection, req: WebhookRequest): WebhookResult;
  /**
   * Tells the platform the order (or the listed lines) shipped with this carrier and tracking number.
   * Idempotent: a repeat, or an order already shipped on the platform, resolves `already_shipped`.
   */
  writeBackShipment(conn: PlatformConnection, shipment: ShipmentWriteBack): Promise<ShipmentWriteBackResult>;
}
