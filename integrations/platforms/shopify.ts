/**
 * Shopify, through the Admin REST API (shopify.dev/docs/api/admin-rest, version SHOPIFY_API_VERSION).
 *
 * - Authentication: the app's Admin API access token in `X-Shopify-Access-Token`; webhooks are
 *   signed with the app's API secret (base64 HMAC-SHA256 of the raw body in `X-Shopify-Hmac-Sha256`).
 * - Paging: cursor based. The first request carries the filters; the answer's `Link` header names
 *   the next page by `page_info`, and a request with `page_info` may carry only `limit` and
 *   `fields` ("Make paginated requests to the REST Admin API"), so the page token is `page_info`.
 * - Rate limits: a leaky bucket per app and store; over it Shopify answers 429 with `Retry-After`
 *   (platformRequest turns that into `rate_limited`).
 * - Errors: `{"errors": "text"}`, `{"errors": ["text", ...]}` or `{"errors": {"field": ["text"]}}`.
 */
import crypto from 'node:crypto';
import { toFen } from './money';
import { header, joinUrl, platformRequest, type HttpAnswer } from './http';
import { platformCarrierCode } from './carrier-codes';
import {
  PlatformError,
  WebhookRejected,
  type MalformedOrder,
  type PlatformAdapter,
  type PlatformConnection,
  type PlatformOrder,
  type PlatformOrderLine,
  type PlatformReceiver,
  type ShipmentWriteBack,
  type ShipmentWriteBackResult,
  type WebhookResult,
} from './types';

export const SHOPIFY_API_VERSION = '2024-10';
/** The documented maximum of `limit`. */
const PAGE_SIZE = 250;
const ORDER_TOPICS = new Set(['orders/create', 'orders/updated', 'orders/paid', 'orders/cancelled']);
/**
 * Orders the warehouse may ship. `authorized` (captured later) and `partially_paid` are not paid
 * yet; `refunded` and `voided` carry no money. A partial refund leaves the rest of the order due.
 */
const PAID_STATUSES = new Set(['paid', 'partially_refunded']);

type Json = Record<string, any>;

function apiUrl(conn: PlatformConnection, path: string, query?: Record<string, string | number | undefined>): string {
  return joinUrl(conn.baseUrl, `/admin/api/${SHOPIFY_API_VERSION}/${path}`, query);
}

async function call(
  conn: PlatformConnection,
  method: 'GET' | 'POST',
  path: string,
  what: string,
  opts: { query?: Record<string, string | number | undefined>; body?: object } = {},
): Promise<HttpAnswer> {
  return platformRequest(
    {
      method,
      url: apiUrl(conn, path, opts.query),
      headers: { 'X-Shopify-Access-Token': conn.credentials.accessToken ?? '' },
      body: opts.body,
      timeoutMs: conn.timeoutMs,
    },
    what,
  );
}

/** Shopify's `errors` (a string, a list, or messages per field) as one readable line. */
function errorText(answer: HttpAnswer): string {
  const errors = answer.json?.errors ?? answer.json?.error;
  if (typeof errors === 'string') return errors;
  if (Array.isArray(errors)) return errors.map(String).join('; ');
  if (errors && typeof errors === 'object') {
    return Object.entries(errors)
      .map(([field, msgs]) => `${field} ${Array.isArray(msgs) ? msgs.join(', ') : String(msgs)}`)
      .join('; ');
  }
  return answer.text.trim().slice(0, 200) || `HTTP ${answer.status}`;
}

/** The JSON body of a 2xx answer; anything else is the platform refusing or not making sense. */
function okJson(answer: HttpAnswer, what: string): Json {
  if (answer.status >= 300 && answer.status < 400) {
    throw new PlatformError('bad_response', `${what}: redirected to ${answer.headers.get('location') ?? '?'} (is the base URL the shop's myshopify.com address?)`, { status: answer.status });
  }
  if (answer.status >= 400) throw new PlatformError('rejected', `${what}: ${errorText(answer)}`, { status: answer.status });
  if (!answer.json || typeof answer.json !== 'object') throw new PlatformError('bad_response', `${what}: the answer is not JSON`, { status: answer.status });
  return answer.json;
}

function isoOrNull(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

const CJK = /[\u3400-\u9fff]/;

/**
 * Shopify keeps Chinese provinces by their English name and a two-letter `province_code`
 * (ISO 3166-2:CN letters; Shopify's Xizang has been seen as both XZ and YZ).
 */
const CN_PROVINCES: Record<string, [english: string, chinese: string]> = {
  AH: ['Anhui', '安徽省'], BJ: ['Beijing', '北京市'], CQ: ['Chongqing', '重庆市'], FJ: ['Fujian', '福建省'],
  GS: ['Gansu', '甘肃省'], GD: ['Guangdong', '广东省'], GX: ['Guangxi', '广西壮族自治区'], GZ: ['Guizhou', '贵州省'],
  HI: ['Hainan', '海南省'], HE: ['Hebei', '河北省'], HL: ['Heilongjiang', '黑龙江省'], HA: ['Henan', '河南省'],
  HB: ['Hubei', '湖北省'], HN: ['Hunan', '湖南省'], NM: ['Inner Mongolia', '内蒙古自治区'], JS: ['Jiangsu', '江苏省'],
  JX: ['Jiangxi', '江西省'], JL: ['Jilin', '吉林省'], LN: ['Liaoning', '辽宁省'], NX: ['Ningxia', '宁夏回族自治区'],
  QH: ['Qinghai', '青海省'], SN: ['Shaanxi', '陕西省'], SD: ['Shandong', '山东省'], SH: ['Shanghai', '上海市'],
  SX: ['Shanxi', '山西省'], SC: ['Sichuan', '四川省'], TJ: ['Tianjin', '天津市'], XJ: ['Xinjiang', '新疆维吾尔自治区'],
  XZ: ['Xizang', '西藏自治区'], YZ: ['Xizang', '西藏自治区'], YN: ['Yunnan', '云南省'], ZJ: ['Zhejiang', '浙江省'],
};
const CN_BY_ENGLISH = new Map(Object.values(CN_PROVINCES).map(([en, zh]) => [en.toLowerCase(), zh]));

function provinceOf(addr: Json): string | null {
  const province = text(addr.province);
  if (text(addr.country_code).toUpperCase() !== 'CN' || CJK.test(province)) return province || null;
  const code = text(addr.province_code).toUpperCase().replace(/^CN-/, '');
  return CN_PROVINCES[code]?.[1] ?? CN_BY_ENGLISH.get(province.toLowerCase()) ?? (province || null);
}

function receiverOf(order: Json): PlatformReceiver {
  const addr: Json = order.shipping_address ?? {};
  const first = text(addr.first_name);
  const last = text(addr.last_name);
  const composed = CJK.test(first + last) ? last + first : [first, last].filter(Boolean).join(' ');
  return {
    name: text(addr.name) || composed,
    phone: text(addr.phone) || text(order.phone) || text(order.billing_address?.phone),
    province: provinceOf(addr),
    city: text(addr.city) || null,
    // Shopify has no district field; Chinese buyers write it at the start of address1.
    district: text(addr.district) || null,
    address: [text(addr.address1), text(addr.address2)].filter(Boolean).join(' '),
    postcode: text(addr.zip) || null,
  };
}

/** One order of an answer or a webhook, or why it cannot be read. */
export function readShopifyOrder(raw: unknown): { order: PlatformOrder } | { malformed: MalformedOrder } {
  if (!raw || typeof raw !== 'object') return { malformed: { externalId: null, reason: 'not an order object' } };
  const o = raw as Json;
  const externalId = typeof o.id === 'number' || (typeof o.id === 'string' && /^\d+$/.test(o.id)) ? String(o.id) : null;
  const bad = (reason: string) => ({ malformed: { externalId, reason } });
  if (!externalId) return bad('the order has no id');
  if (!Array.isArray(o.line_items)) return bad('line_items is not a list');
  const updatedAt = isoOrNull(o.updated_at);
  if (!updatedAt) return bad(`updated_at ${JSON.stringify(o.updated_at)} is not a date`);

  const lines: PlatformOrderLine[] = [];
  for (const item of o.line_items as Json[]) {
    if (!item || (typeof item.id !== 'number' && typeof item.id !== 'string')) return bad('a line item has no id');
    if (!Number.isInteger(item.quantity) || item.quantity < 0) return bad(`line ${item.id}: quantity ${JSON.stringify(item.quantity)} is not a whole number`);
    // current_quantity leaves out what an order edit removed; digital goods never reach the warehouse.
    const qty = Number.isInteger(item.current_quantity) ? (item.current_quantity as number) : (item.quantity as number);
    if (qty === 0 || item.requires_shipping === false) continue;
    lines.push({
      externalLineId: String(item.id),
      listingCode: text(item.sku) || null,
      variantId: item.variant_id == null ? null : String(item.variant_id),
      title: text(item.name) || text(item.title) || null,
      qty,
      priceFen: toFen(item.price),
    });
  }
  const financial = text(o.financial_status);
  const cancelled = o.cancelled_at != null;
  return {
    order: {
      externalId,
      platformStatus: [financial || 'unknown', text(o.fulfillment_status) || 'unfulfilled', cancelled ? 'cancelled' : ''].filter(Boolean).join('/'),
      paid: PAID_STATUSES.has(financial),
      cancelled,
      updatedAt,
      createdAt: isoOrNull(o.created_at),
      receiver: receiverOf(o),
      lines,
      totalFen: toFen(o.total_price),
      currency: text(o.currency) || null,
      buyerNote: text(o.note) || null,
    },
  };
}

function readOrders(list: unknown[]): { orders: PlatformOrder[]; malformed: MalformedOrder[] } {
  const orders: PlatformOrder[] = [];
  const malformed: MalformedOrder[] = [];
  for (const raw of list) {
    const read = readShopifyOrder(raw);
    if ('order' in read) orders.push(read.order);
    else malformed.push(read.malformed);
  }
  return { orders, malformed };
}

/** `page_info` of the `rel="next"` link of a Link header, if any. */
function nextPageInfo(link: string | null): string | null {
  for (const m of (link ?? '').matchAll(/<([^>]*)>\s*;\s*rel="?([a-z]+)"?/g)) {
    if (m[2] === 'next') return new URL(m[1]).searchParams.get('page_info');
  }
  return null;
}

function ordersOf(answer: HttpAnswer, what: string): unknown[] {
  const list = okJson(answer, what).orders;
  if (!Array.isArray(list)) throw new PlatformError('bad_response', `${what}: the answer has no "orders" list`, { status: answer.status });
  return list;
}

/** Whole seconds: Shopify's timestamps have no milliseconds. */
function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Whether the order (or the named lines) is already shipped in Shopify, and with what: after a
 * fulfillment request finds nothing left to fulfil. Cancelled is not shipped.
 */
async function alreadyFulfilled(conn: PlatformConnection, s: ShipmentWriteBack, what: string): Promise<string | null> {
  const done = okJson(await call(conn, 'GET', `orders/${s.externalId}/fulfillments.json`, what), what).fulfillments;
  const list: Json[] = Array.isArray(done) ? done.filter((f: Json) => f.status !== 'cancelled' && f.status !== 'error' && f.status !== 'failure') : [];
  const numbers = (f: Json) => [f.tracking_number, ...(Array.isArray(f.tracking_numbers) ? f.tracking_numbers : [])].filter(Boolean).map(String);
  if (list.some((f) => numbers(f).includes(s.trackingNo))) return `fulfilled with ${s.trackingNo} already (an earlier write-back)`;
  const order = okJson(await call(conn, 'GET', `orders/${s.externalId}.json`, what, { query: { fields: 'id,cancelled_at,fulfillment_status' } }), what).order ?? {};
  if (order.cancelled_at) return null;
  const wanted = s.externalLineIds ? new Set(s.externalLineIds) : null;
  const covering = list.filter((f) => !wanted || (Array.isArray(f.line_items) && f.line_items.some((li: Json) => wanted.has(String(li.id)))));
  if (!covering.length) return null;
  const others = [...new Set(covering.flatMap(numbers))];
  return `already fulfilled in Shopify${others.length ? ` with ${others.join(', ')}` : ' without a tracking number'} (fulfillment_status ${text(order.fulfillment_status) || 'unknown'})`;
}

/**
 * Fulfils through fulfillment orders (FulfillmentOrder + POST fulfillments.json with
 * line_items_by_fulfillment_order and tracking_info, Admin REST since 2023-01). One call per
 * parcel: a split order gets one fulfillment per waybill, each with its own lines.
 */
async function writeBackShipment(conn: PlatformConnection, s: ShipmentWriteBack): Promise<ShipmentWriteBackResult> {
  const what = `Shopify fulfillment of order ${s.externalId}`;
  const fos = okJson(await call(conn, 'GET', `orders/${s.externalId}/fulfillment_orders.json`, what), what).fulfillment_orders;
  if (!Array.isArray(fos)) throw new PlatformError('bad_response', `${what}: no "fulfillment_orders" in the answer`);

  // Leaving `fulfillment_order_line_items` out fulfils all that remains of that fulfillment order.
  const wanted = s.externalLineIds ? new Set(s.externalLineIds) : null;
  const byFulfillmentOrder: Json[] = [];
  for (const fo of fos as Json[]) {
    if (!Array.isArray(fo.supported_actions) || !fo.supported_actions.includes('create_fulfillment')) continue;
    const items = ((fo.line_items ?? []) as Json[]).filter((li) => li.fulfillable_quantity > 0 && (!wanted || wanted.has(String(li.line_item_id))));
    if (items.length === 0) continue;
    byFulfillmentOrder.push(
      wanted
        ? { fulfillment_order_id: fo.id, fulfillment_order_line_items: items.map((li) => ({ id: li.id, quantity: li.fulfillable_quantity })) }
        : { fulfillment_order_id: fo.id },
    );
  }

  if (byFulfillmentOrder.length === 0) {
    // Nothing left to fulfil (the fulfillment orders are closed): our own earlier write-back landed
    // and its answer was lost, or the seller fulfilled it in Shopify: both are shipped. Cancelled is not.
    const already = await alreadyFulfilled(conn, s, what);
    if (already) return { outcome: 'already_shipped', detail: already };
    const statuses = (fos as Json[]).map((fo) => text(fo.status)).join(', ') || 'none';
    throw new PlatformError('rejected', `${what}: nothing left to fulfil (fulfillment orders: ${statuses}) and no fulfillment in Shopify; the order was cancelled or closed there`);
  }

  const answer = await call(conn, 'POST', 'fulfillments.json', what, {
    body: {
      fulfillment: {
        line_items_by_fulfillment_order: byFulfillmentOrder,
        tracking_info: { number: s.trackingNo, company: platformCarrierCode('shopify', { code: s.carrierCode, name: s.carrierName, adapter: s.carrierAdapter ?? '' }) },
        notify_customer: true,
      },
    },
  });
  if (answer.status === 422) {
    // Fulfilled between our read and our request (a lagging read, another app, a person): Shopify
    // answers "Fulfillment order <id> has an unfulfillable status= closed." Look at what is there.
    const already = await alreadyFulfilled(conn, s, what);
    if (already) return { outcome: 'already_shipped', detail: already };
  }
  okJson(answer, what);
  return { outcome: 'shipped' };
}

export const shopifyAdapter: PlatformAdapter = {
  platform: 'shopify',
  credentialNames: ['accessToken', 'apiSecret'],
  // Shopify sets no limit on an updated_at range; a week keeps a catch-up pull in digestible pieces.
  maxWindowMs: 7 * 24 * 3600 * 1000,
  pageSize: PAGE_SIZE,

  async pullOrders(conn, window, pageToken) {
    // updated_at_min and updated_at_max are both inclusive ("at or after", "at or before") and
    // whole seconds, so [from, to) becomes [floor(from), floor(to - 1 ms)]. The Order resource
    // documents no sort order for the list, so none is asked for: the window is read whole.
    const query = pageToken
      ? { limit: PAGE_SIZE, page_info: pageToken }
      : { status: 'any', updated_at_min: isoSeconds(window.from.getTime()), updated_at_max: isoSeconds(window.to.getTime() - 1), limit: PAGE_SIZE };
    const answer = await call(conn, 'GET', 'orders.json', 'Shopify order list', { query });
    const page = readOrders(ordersOf(answer, 'Shopify order list'));
    return { ...page, next: nextPageInfo(answer.headers.get('link')) };
  },

  async fetchOrders(conn, externalIds) {
    const orders: PlatformOrder[] = [];
    const malformed: MalformedOrder[] = [];
    for (let i = 0; i < externalIds.length; i += PAGE_SIZE) {
      const ids = externalIds.slice(i, i + PAGE_SIZE).join(',');
      const answer = await call(conn, 'GET', 'orders.json', 'Shopify orders by id', { query: { ids, status: 'any', limit: PAGE_SIZE } });
      const page = readOrders(ordersOf(answer, 'Shopify orders by id'));
      orders.push(...page.orders);
      malformed.push(...page.malformed);
    }
    return { orders, malformed };
  },

  parseWebhook(conn, req): WebhookResult {
    const secret = conn.credentials.apiSecret;
    const given = header(req.headers, 'x-shopify-hmac-sha256');
    if (!secret) throw new WebhookRejected('INVALID_SIGNATURE', 'the store has no apiSecret to verify Shopify webhooks with');
    if (!given) throw new WebhookRejected('INVALID_SIGNATURE', 'no X-Shopify-Hmac-Sha256 header');
    const expected = crypto.createHmac('sha256', secret).update(req.rawBody).digest();
    const actual = Buffer.from(given, 'base64');
    if (actual.length !== expected.length || !crypto.timingSafeEqual(actual, expected)) {
      throw new WebhookRejected('INVALID_SIGNATURE', 'X-Shopify-Hmac-Sha256 does not match the body');
    }
    const topic = header(req.headers, 'x-shopify-topic') ?? '';
    const deliveryId = header(req.headers, 'x-shopify-webhook-id') ?? null;
    if (!ORDER_TOPICS.has(topic)) return { kind: 'ignore', deliveryId, topic };
    let body: unknown;
    try {
      body = JSON.parse(req.rawBody.toString('utf8'));
    } catch {
      throw new WebhookRejected('MALFORMED_WEBHOOK', `Shopify ${topic} webhook body is not JSON`);
    }
    const read = readShopifyOrder(body);
    return 'order' in read
      ? { kind: 'orders', deliveryId, topic, orders: [read.order], malformed: [] }
      : { kind: 'orders', deliveryId, topic, orders: [], malformed: [read.malformed] };
  },

  writeBackShipment,
};
