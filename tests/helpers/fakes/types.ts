import type { PlatformName } from '../../../integrations/platforms/types';

/**
 * One shape of test order for every fake platform, so that a test (or the ingest benchmark)
 * can run the same scenario against each platform. Each fake turns it into its platform's
 * own JSON (Shopify order, WooCommerce order, Taobao trade).
 */
export interface FakeOrderSpec {
  /** the platform order id (Shopify/WooCommerce: digits; Taobao tid: digits) */
  id: string;
  /** default true */
  paid?: boolean;
  /** default false */
  cancelled?: boolean;
  /** when the platform last changed it; default: now (and later than any earlier upsert of the same id) */
  updatedAt?: Date;
  createdAt?: Date;
  /** default: a valid receiver in 浙江省 杭州市 西湖区 */
  receiver?: { name: string; phone: string; province: string; city: string; district: string; address: string };
  lines: Array<{ sku: string | null; variantId?: string; qty: number; priceFen?: number; title?: string }>;
  /** served as a record the adapter cannot read (e.g. no line items / a non-numeric quantity) */
  malformed?: boolean;
}

/** A write-back (shipment / fulfillment / logistics send) the fake received and accepted. */
export interface FakeShipment {
  orderId: string;
  trackingNo: string;
  /** the carrier as the platform call named it (company code / tracking company / provider) */
  carrier: string;
  lineIds: string[] | null;
}

/** A signed webhook delivery, ready to POST to /api/v1/webhooks/:platform/:storeId. */
export interface FakeWebhook {
  headers: Record<string, string>;
  /** the exact bytes that were signed */
  body: Buffer;
  /** query string parameters (for platforms that sign them), to append to the URL */
  query: Record<string, string>;
}

export interface FakeFaults {
  /** the next n order-list requests answer the platform's rate-limit error (HTTP 429 / its error code) */
  rateLimitNext(n: number, retryAfterSeconds?: number): void;
  /** the next n order-list requests answer HTTP `status` (default 500) */
  failNext(n: number, status?: number): void;
  /** the next n order-list requests never answer (until the fake closes) */
  hangNext(n: number): void;
  /** every page also repeats the last order of the previous page (as platforms do when data moves while paging) */
  duplicateAcrossPages: boolean;
}

/**
 * How a fake answers write-back calls (fulfillment / logistics send / order update and tracking), as
 * the real platform does: `token_expired` its credentials-refused answer, `already_shipped` the
 * order shipped by the seller by hand on the platform just before the call, `server_error` HTTP 500.
 */
export type WriteBackFault = 'token_expired' | 'already_shipped' | 'server_error';

export interface FakePlatform {
  readonly platform: PlatformName;
  /** the store's baseUrl */
  readonly baseUrl: string;
  /** the credentials to create the store with, under the platform's own names */
  readonly credentials: Record<string, string>;
  /** adds or changes an order (an update bumps its updatedAt unless given) */
  upsert(spec: FakeOrderSpec): void;
  upsertMany(specs: FakeOrderSpec[]): void;
  readonly faults: FakeFaults;
  /** every request received: method, path and query, with whether its authentication/signature verified */
  readonly requests: Array<{ method: string; path: string; query: Record<string, string>; authOk: boolean; status: number }>;
  readonly shipments: FakeShipment[];
  /** the next `n` write-back requests (default: all until switched off with null) meet `fault` */
  writeBackFault(fault: WriteBackFault | null, n?: number): void;
  /** a correctly signed webhook about this order, as the platform would send it now */
  webhook(orderId: string, topic?: string): FakeWebhook;
  close(): Promise<void>;
}
