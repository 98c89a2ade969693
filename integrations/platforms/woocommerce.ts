/**
 * WooCommerce, through the WooCommerce REST API v3 (woocommerce.github.io/woocommerce-rest-api-docs).
 *
 * - Authentication ("Authentication over HTTPS / over HTTP"): HTTP Basic with the consumer key and
 *   secret when the store is on https; on plain http OAuth 1.0a "one-legged" instead, signed
 *   HMAC-SHA1 with `consumer_secret + "&"` and sent as query parameters (the docs find the query
 *   string more reliable than the Authorization header on WordPress).
 * - Paging: `page` / `per_page` (at most 100) with the totals in `X-WP-Total` / `X-WP-TotalPages`.
 * - Errors: `{"code": "...", "message": "...", "data": {"status": 4xx}}`.
 * - Webhooks: base64 HMAC-SHA256 of the raw body with the webhook's secret in `X-WC-Webhook-Signature`.
 * - Write-back: the Shipment Tracking extension's `wc-shipment-tracking/v3` endpoint (or, without
 *   the extension, a customer order note), then the order set to `completed`.
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

/** The maximum of `per_page` (WC_REST_CRUD_Controller::get_collection_params). */
const PAGE_SIZE = 100;
const ORDER_TOPICS = new Set(['order.created', 'order.updated', 'order.restored']);
const CANCELLED = new Set(['cancelled', 'refunded', 'trash']);
/** Statuses that mean "not paid", whatever date_paid says (on-hold: awaiting payment or a merchant's check). */
const UNPAID = new Set(['pending', 'failed', 'on-hold', 'checkout-draft']);

type Json = Record<string, any>;
type Query = Record<string, string | number | undefined>;

/**
 * WooCommerce's own state codes for China (i18n/states.php: CN1 Yunnan … CN32 Xinjiang, in
 * WooCommerce's order, which is not the GB/T 2260 order), as the names a Chinese address uses.
 * Hong Kong, Macao and Taiwan are separate countries in WooCommerce (CN30 is Macao again).
 */
const CN_STATES: Record<string, string> = {
  CN1: '云南省', CN2: '北京市', CN3: '天津市', CN4: '河北省', CN5: '山西省', CN6: '内蒙古自治区', CN7: '辽宁省',
  CN8: '吉林省', CN9: '黑龙江省', CN10: '上海市', CN11: '江苏省', CN12: '浙江省', CN13: '安徽省', CN14: '福建省',
  CN15: '江西省', CN16: '山东省', CN17: '河南省', CN18: '湖北省', CN19: '湖南省', CN20: '广东省', CN21: '广西壮族自治区',
  CN22: '海南省', CN23: '重庆市', CN24: '四川省', CN25: '贵州省', CN26: '陕西省', CN27: '甘肃省', CN28: '青海省',
  CN29: '宁夏回族自治区', CN30: '澳门特别行政区', CN31: '西藏自治区', CN32: '新疆维吾尔自治区',
};
const REGIONS_AS_COUNTRIES: Record<string, string> = { HK: '香港特别行政区', MO: '澳门特别行政区', TW: '台湾省' };

/** RFC 3986 percent-encoding, as PHP's rawurlencode (unreserved: A-Z a-z 0-9 - . _ ~). */
function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/**
 * Adds OAuth 1.0a one-legged parameters to `url` ("Creating a signature"): every query parameter
 * and oauth_* parameter percent-encoded, sorted by key, joined as k=v&k=v; the base string is
 * METHOD & encoded URL without query & encoded parameter string; the key is consumer_secret + "&"
 * (there is no token secret). The JSON body is not signed. oauth_version is left out, as advised.
 */
export function signOAuth1(method: string, url: string, consumerKey: string, consumerSecret: string, now = Date.now()): string {
  const u = new URL(url);
  u.searchParams.set('oauth_consumer_key', consumerKey);
  u.searchParams.set('oauth_nonce', crypto.randomBytes(16).toString('hex'));
  u.searchParams.set('oauth_signature_method', 'HMAC-SHA1');
  u.searchParams.set('oauth_timestamp', String(Math.floor(now / 1000)));
  const params = [...u.searchParams.entries()]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const base = `${method.toUpperCase()}&${rfc3986(u.origin + u.pathname)}&${rfc3986(params)}`;
  u.searchParams.set('oauth_signature', crypto.createHmac('sha1', `${consumerSecret}&`).update(base).digest('base64'));
  return u.toString();
}

async function call(conn: PlatformConnection, method: 'GET' | 'POST' | 'PUT', path: string, what: string, opts: { query?: Query; body?: object } = {}): Promise<HttpAnswer> {
  const key = conn.credentials.consumerKey ?? '';
  const secret = conn.credentials.consumerSecret ?? '';
  let url = joinUrl(conn.baseUrl, path, opts.query);
  const headers: Record<string, string> = {};
  if (url.startsWith('https:')) headers.Authorization = 'Basic ' + Buffer.from(`${key}:${secret}`).toString('base64');
  else url = signOAuth1(method, url, key, secret);
  return platformRequest({ method, url, headers, body: opts.body, timeoutMs: conn.timeoutMs }, what);
}

/** The 2xx JSON of an answer, or the platform's `{code, message}` as a PlatformError. */
function okJson(answer: HttpAnswer, what: string): any {
  if (answer.status >= 300 && answer.status < 400) {
    throw new PlatformError('bad_response', `${what}: redirected to ${answer.headers.get('location') ?? '?'} (check the store's base URL and permalinks)`, { status: answer.status });
  }
  if (answer.status >= 400) {
    const code = typeof answer.json?.code === 'string' ? answer.json.code : undefined;
    const message = typeof answer.json?.message === 'string' ? answer.json.message.replace(/<[^>]*>/g, '').trim() : answer.text.trim().slice(0, 200);
    const hint = code === 'rest_no_route' ? ' (is the endpoint\'s plugin installed and active?)' : '';
    throw new PlatformError('rejected', `${what}: ${message || `HTTP ${answer.status}`}${hint}`, { status: answer.status, platformCode: code });
  }
  if (answer.json === undefined) throw new PlatformError('bad_response', `${what}: the answer is not JSON`, { status: answer.status });
  return answer.json;
}

/** A `*_gmt` date: GMT, but written without a zone designator. */
function gmtIso(value: unknown): string | null {
  if (typeof value !== 'string' || !value) return null;
  const ms = Date.parse(/(Z|[+-]\d\d:?\d\d)$/.test(value) ? value : value + 'Z');
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

const CJK = /[\u3400-\u9fff]/;

function receiverOf(o: Json): PlatformReceiver {
  // With "ship to a different address" unchecked, WooCommerce copies the billing address to
  // shipping; an order without shipping (virtual products) has an empty one: use billing then.
  const shipping: Json = o.shipping ?? {};
  const billing: Json = o.billing ?? {};
  const addr = text(shipping.address_1) || text(shipping.first_name) ? shipping : billing;
  const first = text(addr.first_name);
  const last = text(addr.last_name);
  const country = text(addr.country).toUpperCase();
  const state = text(addr.state);
  const province = country === 'CN' ? (CN_STATES[state.toUpperCase()] ?? (state || null)) : (REGIONS_AS_COUNTRIES[country] ?? (state || null));
  return {
    // Chinese names are family name first, without a space.
    name: CJK.test(first + last) ? last + first : [first, last].filter(Boolean).join(' '),
    // shipping.phone exists since WooCommerce 5.6 and the default checkout does not ask for it.
    phone: text(shipping.phone) || text(billing.phone),
    province,
    city: text(addr.city) || null,
    district: null,
    address: [text(addr.address_1), text(addr.address_2)].filter(Boolean).join(' '),
    postcode: text(addr.postcode) || null,
  };
}

/** One order of an answer or a webhook, or why it cannot be read. */
export function readWooOrder(raw: unknown): { order: PlatformOrder } | { malformed: MalformedOrder } {
  if (!raw || typeof raw !== 'object') return { malformed: { externalId: null, reason: 'not an order object' } };
  const o = raw as Json;
  const externalId = Number.isInteger(o.id) && o.id > 0 ? String(o.id) : typeof o.id === 'string' && /^\d+$/.test(o.id) ? o.id : null;
  const bad = (reason: string) => ({ malformed: { externalId, reason } });
  if (!externalId) return bad('the order has no id');
  if (!Array.isArray(o.line_items)) return bad('line_items is not a list');
  // date_modified is in the site's timezone without an offset; only the _gmt twin is unambiguous.
  const updatedAt = gmtIso(o.date_modified_gmt);
  if (!updatedAt) return bad(`date_modified_gmt ${JSON.stringify(o.date_modified_gmt)} is not a date`);

  const lines: PlatformOrderLine[] = [];
  for (const item of o.line_items as Json[]) {
    if (!item || item.id == null) return bad('a line item has no id');
    if (!Number.isInteger(item.quantity) || item.quantity < 0) return bad(`line ${item.id}: quantity ${JSON.stringify(item.quantity)} is not a whole number`);
    if (item.quantity === 0) continue;
    const variant = Number(item.variation_id) || Number(item.product_id) || null;
    lines.push({
      externalLineId: String(item.id),
      listingCode: text(item.sku) || null,
      variantId: variant ? String(variant) : null,
      title: text(item.name) || null,
      qty: item.quantity,
      priceFen: toFen(item.price),
    });
  }
  const status = text(o.status);
  const cancelled = CANCELLED.has(status);
  // processing/completed are paid by definition; a plugin's own status counts when the payment was recorded.
  const paid = !cancelled && (status === 'processing' || status === 'completed' || (!UNPAID.has(status) && o.date_paid_gmt != null && o.date_paid_gmt !== ''));
  return {
    order: {
      externalId,
      platformStatus: status,
      paid,
      cancelled,
      updatedAt,
      createdAt: gmtIso(o.date_created_gmt),
      receiver: receiverOf(o),
      lines,
      totalFen: toFen(o.total),
      currency: text(o.currency) || null,
      buyerNote: text(o.customer_note) || null,
    },
  };
}

function readOrders(answer: HttpAnswer, what: string): { orders: PlatformOrder[]; malformed: MalformedOrder[] } {
  const list = okJson(answer, what);
  if (!Array.isArray(list)) throw new PlatformError('bad_response', `${what}: the answer is not a list of orders`, { status: answer.status });
  const orders: PlatformOrder[] = [];
  const malformed: MalformedOrder[] = [];
  for (const raw of list) {
    const read = readWooOrder(raw);
    if ('order' in read) orders.push(read.order);
    else malformed.push(read.malformed);
  }
  return { orders, malformed };
}

/** ISO-8601 to the second, without a zone (the parameters are read as GMT with dates_are_gmt). */
function gmtParam(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
}

/**
 * Puts the tracking number on the order. With the Shipment Tracking extension (its
 * `wc-shipment-tracking/v3` route; it mails the buyer a tracking link) a tracking item; without it
 * (WordPress answers `rest_no_route`) a customer order note through core's
 * `POST /wp-json/wc/v3/orders/<id>/notes` with `customer_note: true`, which WooCommerce mails to
 * the buyer. Either is looked for first, so a retry after a lost answer adds nothing twice.
 * Returns whether it was there already.
 */
async function addTracking(conn: PlatformConnection, s: ShipmentWriteBack, carrier: string, what: string): Promise<boolean> {
  const id = encodeURIComponent(s.externalId);
  const trackings = `/wp-json/wc-shipment-tracking/v3/orders/${id}/shipment-trackings`;
  const listed = await call(conn, 'GET', trackings, what);
  if (!(listed.status === 404 && listed.json?.code === 'rest_no_route')) {
    const existing = okJson(listed, what);
    if (Array.isArray(existing) && existing.some((t: Json) => text(t.tracking_number) === s.trackingNo)) return true;
    okJson(
      await call(conn, 'POST', trackings, what, {
        body: {
          tracking_provider: carrier,
          tracking_number: s.trackingNo,
          // YYYY-MM-DD, read by the extension in the site's timezone: the warehouse's (China) date.
          date_shipped: new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10),
        },
      }),
      what,
    );
    return false;
  }
  const notes = `/wp-json/wc/v3/orders/${id}/notes`;
  const existing = okJson(await call(conn, 'GET', notes, what), what);
  if (Array.isArray(existing) && existing.some((n: Json) => typeof n.note === 'string' && n.note.includes(s.trackingNo))) return true;
  okJson(await call(conn, 'POST', notes, what, { body: { note: `已发货：${carrier} 运单号 ${s.trackingNo} / Shipped with ${carrier}, tracking number ${s.trackingNo}`, customer_note: true } }), what);
  return false;
}

/**
 * The tracking number on the order (above), then the order set to `completed` with
 * `PUT /wp-json/wc/v3/orders/<id>`. An order already completed counts as shipped (the tracking
 * number is still added when missing, for the buyer); a cancelled, refunded or trashed one is refused.
 * WooCommerce has no partly shipped status: each parcel of a split order adds its own tracking
 * number, and only a whole-order write-back (the last parcel) completes the order.
 */
async function writeBackShipment(conn: PlatformConnection, s: ShipmentWriteBack): Promise<ShipmentWriteBackResult> {
  const what = `WooCommerce shipment of order ${s.externalId}`;
  const orderPath = `/wp-json/wc/v3/orders/${encodeURIComponent(s.externalId)}`;
  const order = okJson(await call(conn, 'GET', orderPath, what), what);
  const status = text(order?.status);
  if (CANCELLED.has(status) || status === 'failed') throw new PlatformError('rejected', `${what}: the order is ${status} in WooCommerce`, { platformCode: `status:${status}` });
  const carrier = platformCarrierCode('woocommerce', { code: s.carrierCode, name: s.carrierName, adapter: s.carrierAdapter ?? '' });
  const already = await addTracking(conn, s, carrier, what);
  if (status === 'completed') return { outcome: 'already_shipped', detail: `order already completed in WooCommerce${already ? ` with ${s.trackingNo}` : ''}` };
  if (s.externalLineIds === null) okJson(await call(conn, 'PUT', orderPath, what, { body: { status: 'completed' } }), what);
  return already && s.externalLineIds !== null ? { outcome: 'already_shipped', detail: `tracking number ${s.trackingNo} already on the order` } : { outcome: 'shipped' };
}

export const wooCommerceAdapter: PlatformAdapter = {
  platform: 'woocommerce',
  credentialNames: ['consumerKey', 'consumerSecret', 'webhookSecret'],
  // No platform limit; offset paging gets slow deep into a big result, so windows stay a day.
  maxWindowMs: 24 * 3600 * 1000,
  pageSize: PAGE_SIZE,

  async pullOrders(conn, window, pageToken) {
    const page = pageToken === null ? 1 : Number(pageToken);
    if (!Number.isInteger(page) || page < 1) throw new PlatformError('bad_response', `WooCommerce order list: page token ${JSON.stringify(pageToken)} is not a page number`);
    // modified_after/modified_before become a WP date query with 'after'/'before', both exclusive
    // and to the second, so [from, to) is asked as (floor(from) - 1 s, floor(to - 1 ms) + 1 s).
    // orderby=modified exists in the controller's enum (the older docs table lists only date, id,
    // include, title, slug); the controller adds ID as a tie-breaker, so pages are stable.
    const what = 'WooCommerce order list';
    const answer = await call(conn, 'GET', '/wp-json/wc/v3/orders', what, {
      query: {
        modified_after: gmtParam(window.from.getTime() - 1000),
        modified_before: gmtParam(window.to.getTime() - 1 + 1000),
        dates_are_gmt: 'true',
        orderby: 'modified',
        order: 'asc',
        per_page: PAGE_SIZE,
        page,
      },
    });
    const { orders, malformed } = readOrders(answer, what);
    const totalPages = Number(answer.headers.get('x-wp-totalpages'));
    const more = Number.isFinite(totalPages) && answer.headers.has('x-wp-totalpages') ? page < totalPages : orders.length + malformed.length >= PAGE_SIZE;
    return { orders, malformed, next: more ? String(page + 1) : null };
  },

  async fetchOrders(conn, externalIds) {
    const orders: PlatformOrder[] = [];
    const malformed: MalformedOrder[] = [];
    for (let i = 0; i < externalIds.length; i += PAGE_SIZE) {
      const include = externalIds.slice(i, i + PAGE_SIZE).join(',');
      const answer = await call(conn, 'GET', '/wp-json/wc/v3/orders', 'WooCommerce orders by id', { query: { include, per_page: PAGE_SIZE } });
      const page = readOrders(answer, 'WooCommerce orders by id');
      orders.push(...page.orders);
      malformed.push(...page.malformed);
    }
    return { orders, malformed };
  },

  parseWebhook(conn, req): WebhookResult {
    const signature = header(req.headers, 'x-wc-webhook-signature');
    const topic = header(req.headers, 'x-wc-webhook-topic') ?? '';
    if (!signature) {
      // Saving a webhook makes WooCommerce POST `webhook_id=<id>` to it, unsigned and without
      // X-WC-* headers (WC_Webhook::deliver_ping), and it activates the webhook only on a 200.
      // The ping carries nothing, so accepting it unsigned gives nothing away.
      if (!topic && /^webhook_id=\d+$/.test(req.rawBody.toString('latin1').trim())) return { kind: 'ignore', deliveryId: null, topic: 'ping' };
      throw new WebhookRejected('INVALID_SIGNATURE', 'no X-WC-Webhook-Signature header');
    }
    const secret = conn.credentials.webhookSecret;
    if (!secret) throw new WebhookRejected('INVALID_SIGNATURE', 'the store has no webhookSecret to verify WooCommerce webhooks with');
    const expected = crypto.createHmac('sha256', secret).update(req.rawBody).digest();
    const actual = Buffer.from(signature, 'base64');
    if (actual.length !== expected.length || !crypto.timingSafeEqual(actual, expected)) {
      throw new WebhookRejected('INVALID_SIGNATURE', 'X-WC-Webhook-Signature does not match the body');
    }
    // WooCommerce's delivery id is a hash of the webhook id and the current second
    // (WC_Webhook::get_new_delivery_id), so two orders changed in the same second share it; with
    // the body's hash added it names this delivery and still repeats when the same one is resent.
    const delivery = header(req.headers, 'x-wc-webhook-delivery-id');
    const deliveryId = delivery ? `${delivery}:${crypto.createHash('sha256').update(req.rawBody).digest('hex').slice(0, 16)}` : null;
    if (!ORDER_TOPICS.has(topic) && topic !== 'order.deleted') return { kind: 'ignore', deliveryId, topic };

    let body: Json;
    try {
      body = JSON.parse(req.rawBody.toString('utf8'));
    } catch {
      throw new WebhookRejected('MALFORMED_WEBHOOK', `WooCommerce ${topic} webhook body is not JSON`);
    }
    if (topic === 'order.deleted') {
      // A deleted (trashed) order's delivery holds only its id: ask for what is left of it.
      if (!body || !/^\d+$/.test(String(body.id))) throw new WebhookRejected('MALFORMED_WEBHOOK', 'order.deleted webhook without an order id');
      return { kind: 'fetch', deliveryId, topic, externalIds: [String(body.id)] };
    }
    const read = readWooOrder(body);
    return 'order' in read
      ? { kind: 'orders', deliveryId, topic, orders: [read.order], malformed: [] }
      : { kind: 'orders', deliveryId, topic, orders: [], malformed: [read.malformed] };
  },

  writeBackShipment,
};
