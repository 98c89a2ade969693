/**
 * A fake WooCommerce store (WordPress REST API, `wc/v3`) on plain http://127.0.0.1, for tests, the
 * demo and the ingest benchmark. Like WooCommerce over plain HTTP it authenticates only OAuth 1.0a
 * one-legged requests (query string or Authorization header; HMAC-SHA1/SHA256 with
 * consumer_secret + "&"; timestamp within 15 minutes; a nonce only once) and ignores Basic auth,
 * which WooCommerce accepts only over HTTPS. It serves orders in WooCommerce's JSON (dates in the
 * site's timezone plus `_gmt` twins, wp_json_encode's escaping), pages with `page`/`per_page` and
 * X-WP-Total/X-WP-TotalPages, answers errors as `{code, message, data: {status}}`, takes tracking
 * numbers through the Shipment Tracking extension's endpoint, and signs webhooks like WC_Webhook.
 *
 * Orders are kept sorted by (date_modified, id) so a window is found by binary search.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeOrderSpec, FakePlatform, FakeShipment, FakeWebhook } from './types';
import { DEFAULT_RECEIVER, floorSec, compareIds, compareRecs, money, numericId, OrderBook, faultSwitches, writeBackSwitch } from './order-book';

export interface FakeWooCommerceOptions {
  credentials?: { consumerKey?: string; consumerSecret?: string; webhookSecret?: string };
  /** whether the Shipment Tracking extension is installed (its REST route exists); default true */
  shipmentTracking?: boolean;
}

export interface FakeWooCommerce extends FakePlatform {
  /** order notes added through the REST API (wc/v3 orders/<id>/notes) */
  readonly notes: Array<{ orderId: string; note: string; customerNote: boolean }>;
}

interface Note {
  id: number;
  note: string;
  customer_note: boolean;
  ms: number;
}

type Json = Record<string, any>;

const MAX_PER_PAGE = 100;
const SITE_OFFSET_MS = 8 * 3600 * 1000; // the site's timezone, Asia/Shanghai
const WEBHOOK_ID = 7;
const USER_AGENT = 'WooCommerce/9.3.3 Hookshot (WordPress/6.6.2)';
/** WooCommerce's state codes for China (i18n/states.php), by the province's full name. */
const STATE_CODES = new Map(
  ['云南省', '北京市', '天津市', '河北省', '山西省', '内蒙古自治区', '辽宁省', '吉林省', '黑龙江省', '上海市', '江苏省', '浙江省', '安徽省', '福建省', '江西省', '山东省',
   '河南省', '湖北省', '湖南省', '广东省', '广西壮族自治区', '海南省', '重庆市', '四川省', '贵州省', '陕西省', '甘肃省', '青海省', '宁夏回族自治区', '澳门特别行政区', '西藏自治区', '新疆维吾尔自治区']
    .map((name, i) => [name, `CN${i + 1}`]),
);
const ORDER_STATUSES = ['pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed', 'trash'];
const ORDERBY = ['date', 'id', 'include', 'title', 'slug', 'modified'];

interface Tracking {
  tracking_id: string;
  tracking_provider: string;
  tracking_number: string;
  date_shipped: string;
}

interface Rec {
  id: string;
  spec: FakeOrderSpec;
  updatedMs: number;
  createdMs: number;
  lineIds: number[];
  /** a status set through the API (completed after shipping), until the order is cancelled */
  status: string | null;
  trackings: Tracking[];
  orderNotes: Note[];
}

/** WordPress dates: to the second, without a zone; the plain ones in the site's timezone. */
const gmt = (ms: number) => new Date(floorSec(ms)).toISOString().slice(0, 19);
const local = (ms: number) => new Date(floorSec(ms) + SITE_OFFSET_MS).toISOString().slice(0, 19);
const stableNumber = (s: string) => parseInt(crypto.createHash('sha1').update(s).digest('hex').slice(0, 8), 16);
/** PHP's json_encode as wp_json_encode calls it: non-ASCII as \uXXXX and "/" as "\/". */
const phpJson = (value: unknown) =>
  JSON.stringify(value)
    .replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
    .replace(/\//g, '\\/');
/** rawurlencode */
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)?$/;

interface WpError {
  status: number;
  code: string;
  message: string;
}

export async function startFakeWooCommerce(opts: FakeWooCommerceOptions = {}): Promise<FakeWooCommerce> {
  const notes: FakeWooCommerce['notes'] = [];
  let nextNoteId = 501;
  const credentials = {
    consumerKey: opts.credentials?.consumerKey ?? `ck_${crypto.randomBytes(20).toString('hex')}`,
    consumerSecret: opts.credentials?.consumerSecret ?? `cs_${crypto.randomBytes(20).toString('hex')}`,
    webhookSecret: opts.credentials?.webhookSecret ?? crypto.randomBytes(24).toString('base64'),
  };
  const book = new OrderBook<Rec>();
  const requests: FakePlatform['requests'] = [];
  const shipments: FakeShipment[] = [];
  const usedNonces = new Set<string>();
  const hanging = new Set<http.ServerResponse>();
  const { pending, faults } = faultSwitches(2);
  const writeBack = writeBackSwitch();
  let nextLineId = 5001;
  let baseUrl = '';


  function record(spec: FakeOrderSpec): Rec {
    const old = book.byId.get(spec.id);
    // "later than any earlier upsert" must survive WordPress's whole-second dates
    const updatedMs = spec.updatedAt?.getTime() ?? Math.max(Date.now(), old ? floorSec(old.updatedMs) + 1000 : 0);
    const rec: Rec = old
      ? { ...old, spec, updatedMs, status: spec.cancelled ? null : old.status }
      : { id: spec.id, spec, updatedMs, createdMs: spec.createdAt?.getTime() ?? updatedMs, lineIds: [], status: null, trackings: [], orderNotes: [] };
    if (spec.createdAt) rec.createdMs = spec.createdAt.getTime();
    while (rec.lineIds.length < spec.lines.length) rec.lineIds.push(nextLineId++);
    return rec;
  }

  function statusOf(r: Rec): string {
    const paid = r.spec.paid ?? true;
    if (r.spec.cancelled) return paid ? 'refunded' : 'cancelled';
    return r.status ?? (paid ? 'processing' : 'pending');
  }

  function orderJson(r: Rec): Json {
    const s = r.spec;
    const paid = s.paid ?? true;
    const rc = s.receiver ?? DEFAULT_RECEIVER;
    const cjk = /[\u3400-\u9fff]/.test(rc.name);
    const [first, last] = cjk ? [rc.name.slice(1), rc.name.slice(0, 1)] : [rc.name.split(' ')[0], rc.name.split(' ').slice(1).join(' ')];
    const address = { first_name: first, last_name: last, company: '', address_1: `${rc.district}${rc.address}`, address_2: '', city: rc.city, state: STATE_CODES.get(rc.province) ?? rc.province, postcode: '', country: 'CN' };
    const status = statusOf(r);
    const totalFen = s.lines.reduce((sum, l) => sum + (l.priceFen ?? 1000) * l.qty, 0);
    return {
      id: numericId(r.id),
      parent_id: 0,
      status,
      currency: 'CNY',
      version: '9.3.3',
      prices_include_tax: true,
      date_created: local(r.createdMs),
      date_modified: local(r.updatedMs),
      discount_total: '0.00',
      discount_tax: '0.00',
      shipping_total: '0.00',
      shipping_tax: '0.00',
      cart_tax: '0.00',
      total: money(totalFen),
      total_tax: '0.00',
      customer_id: 0,
      order_key: `wc_order_${crypto.createHash('md5').update(r.id).digest('hex').slice(0, 13)}`,
      // the default checkout asks for a billing phone only; shipping.phone stays empty
      billing: { ...address, email: 'buyer@example.com', phone: rc.phone },
      shipping: { ...address, phone: '' },
      payment_method: 'alipay',
      payment_method_title: '支付宝',
      transaction_id: paid ? `2024${r.id}` : '',
      customer_ip_address: '127.0.0.1',
      customer_user_agent: 'Mozilla/5.0',
      created_via: 'checkout',
      customer_note: '',
      date_completed: status === 'completed' ? local(r.updatedMs) : null,
      date_paid: paid ? local(r.createdMs) : null,
      cart_hash: '',
      number: r.id,
      meta_data: [],
      line_items: s.lines.map((l, i) => {
        const priceFen = l.priceFen ?? 1000;
        return {
          id: r.lineIds[i],
          name: l.title ?? `商品 ${l.sku ?? i + 1}`,
          product_id: l.sku ? stableNumber(`p:${l.sku}`) : 0,
          variation_id: l.variantId && /^\d+$/.test(l.variantId) ? Number(l.variantId) : 0,
          // a broken record: what the adapter must report and skip
          quantity: s.malformed ? '两箱' : l.qty,
          tax_class: '',
          subtotal: money(priceFen * l.qty),
          subtotal_tax: '0.00',
          total: money(priceFen * l.qty),
          total_tax: '0.00',
          taxes: [],
          meta_data: [],
          sku: l.sku ?? '',
          price: priceFen / 100,
          image: { id: '', src: '' },
          parent_name: null,
        };
      }),
      tax_lines: [],
      shipping_lines: [],
      fee_lines: [],
      coupon_lines: [],
      refunds: [],
      payment_url: '',
      is_editable: status === 'pending',
      needs_payment: status === 'pending',
      needs_processing: true,
      date_created_gmt: gmt(r.createdMs),
      date_modified_gmt: gmt(r.updatedMs),
      date_completed_gmt: status === 'completed' ? gmt(r.updatedMs) : null,
      date_paid_gmt: paid ? gmt(r.createdMs) : null,
      currency_symbol: '¥',
      _links: { self: [{ href: `${baseUrl}/wp-json/wc/v3/orders/${r.id}` }], collection: [{ href: `${baseUrl}/wp-json/wc/v3/orders` }] },
    };
  }

  /**
   * WC_REST_Authentication over plain HTTP: OAuth 1.0a parameters from the query string and the
   * Authorization header; the signature base string is METHOD & rawurlencode(site URL + path) &
   * the sorted parameters, each rawurlencoded with "%" then encoded again, joined by %3D and %26.
   */
  function authenticate(req: http.IncomingMessage, url: URL, unauthenticated: WpError): WpError | null {
    const params = new Map(url.searchParams);
    const auth = req.headers.authorization ?? '';
    if (/^OAuth\s/i.test(auth)) {
      for (const m of auth.matchAll(/([a-z_]+)="([^"]*)"/gi)) params.set(m[1], decodeURIComponent(m[2]));
    }
    const required = ['oauth_consumer_key', 'oauth_timestamp', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method'];
    const missing = required.filter((k) => !params.get(k));
    if (missing.length === required.length) return unauthenticated; // Basic over HTTP is not even looked at
    const fail = (message: string): WpError => ({ status: 401, code: 'woocommerce_rest_authentication_error', message });
    if (missing.length) return { status: 401, code: 'woocommerce_rest_authentication_missing_parameter', message: `Missing OAuth parameter(s) ${missing.join(', ')}` };
    if (params.get('oauth_consumer_key') !== credentials.consumerKey) return fail('Consumer key is invalid.');
    const method = params.get('oauth_signature_method');
    if (method !== 'HMAC-SHA1' && method !== 'HMAC-SHA256') return fail('Invalid signature - signature method is invalid.');

    const given = params.get('oauth_signature')!;
    params.delete('oauth_signature');
    const normalized = [...params.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${rfc3986(k).replace(/%/g, '%25')}%3D${rfc3986(v).replace(/%/g, '%25')}`)
      .join('%26');
    const toSign = `${(req.method ?? 'GET').toUpperCase()}&${rfc3986(baseUrl + url.pathname)}&${normalized}`;
    const expected = crypto.createHmac(method === 'HMAC-SHA1' ? 'sha1' : 'sha256', `${credentials.consumerSecret}&`).update(toSign).digest('base64');
    if (given.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return fail('Invalid signature - provided signature does not match.');
    const timestamp = Number(params.get('oauth_timestamp'));
    if (!(Math.abs(timestamp - Date.now() / 1000) <= 15 * 60)) return fail('Invalid timestamp.');
    const nonce = `${params.get('oauth_consumer_key')}:${params.get('oauth_nonce')}`;
    if (usedNonces.has(nonce)) return fail('Invalid nonce - nonce has already been used.');
    usedNonces.add(nonce);
    return null;
  }

  /** GET /wc/v3/orders: WP_REST collection parameters, validated like WordPress does. */
  function listOrders(url: URL): { status: number; body: unknown; headers?: Record<string, string> } {
    const q = url.searchParams;
    const invalid: Record<string, string> = {};
    const int = (name: string, dflt: number, min: number, max = Infinity) => {
      const raw = q.get(name);
      const n = raw === null ? dflt : Number(raw);
      if (!Number.isInteger(n) || n < min || n > max) invalid[name] = `${name} must be between ${min} (inclusive) and ${max} (inclusive)`;
      return n;
    };
    const page = int('page', 1, 1);
    const perPage = int('per_page', 10, 1, MAX_PER_PAGE);
    const orderby = q.get('orderby') ?? 'date';
    const order = q.get('order') ?? 'desc';
    if (!ORDERBY.includes(orderby)) invalid.orderby = `orderby is not one of ${ORDERBY.join(', ')}.`;
    if (order !== 'asc' && order !== 'desc') invalid.order = 'order is not one of asc and desc.';
    for (const k of ['after', 'before', 'modified_after', 'modified_before']) {
      if (q.has(k) && !DATE_TIME.test(q.get(k)!)) invalid[k] = 'Invalid date.';
    }
    const statuses = (q.get('status') ?? 'any').split(',');
    if (statuses.some((s) => s !== 'any' && !ORDER_STATUSES.includes(s))) invalid.status = `status is not one of any, ${ORDER_STATUSES.join(', ')}.`;
    if (Object.keys(invalid).length) {
      return { status: 400, body: { code: 'rest_invalid_param', message: `Invalid parameter(s): ${Object.keys(invalid).join(', ')}`, data: { status: 400, params: invalid } } };
    }

    // The date filters are a WP_Date_Query: 'after'/'before' exclusive, to the second, read as GMT
    // with dates_are_gmt and in the site's timezone otherwise.
    const asGmt = ['1', 'true'].includes(q.get('dates_are_gmt') ?? '');
    const when = (k: string) => {
      const v = q.get(k);
      return v === null ? null : Date.parse(/(Z|[+-]\d{2}(:?\d{2})?)$/.test(v) ? v : v + (asGmt ? 'Z' : '+08:00'));
    };
    const [modAfter, modBefore, after, before] = ['modified_after', 'modified_before', 'after', 'before'].map(when);
    // floor(u) > a  ⇔  u >= floor(a) + 1 s;   floor(u) < b  ⇔  u < ceil(b)
    const start = book.lowerBound(modAfter === null ? -Infinity : floorSec(modAfter) + 1000);
    const end = book.lowerBound(modBefore === null ? Infinity : Math.ceil(modBefore / 1000) * 1000);
    const include = q.get('include')?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
    const plain = include.length === 0 && after === null && before === null && statuses.includes('any');

    let items: Rec[];
    if (plain && orderby === 'modified') {
      items = book.sorted.slice(start, end); // already in (modified, ID) order
    } else {
      const inWindow = (r: Rec) => (modAfter === null || floorSec(r.updatedMs) > modAfter) && (modBefore === null || floorSec(r.updatedMs) < modBefore);
      const pool = include.length ? include.flatMap((id) => book.byId.get(id) ?? []).filter(inWindow) : book.sorted.slice(start, end);
      items = pool.filter((r) => {
        if (after !== null && floorSec(r.createdMs) <= after) return false;
        if (before !== null && floorSec(r.createdMs) >= before) return false;
        const st = statusOf(r);
        return statuses.includes('any') ? st !== 'trash' : statuses.includes(st);
      });
      const byCreated = (a: Rec, b: Rec) => a.createdMs - b.createdMs || compareIds(a.id, b.id);
      if (orderby === 'modified') items.sort(compareRecs);
      else if (orderby === 'date') items.sort(byCreated);
      else if (orderby !== 'include') items.sort((a, b) => compareIds(a.id, b.id));
    }
    if (order === 'desc' && orderby !== 'include') items = items.slice().reverse();

    const total = items.length;
    const totalPages = Math.ceil(total / perPage);
    const from = (page - 1) * perPage;
    let served = items.slice(from, from + perPage);
    // Data moving while paging: the previous page's last order shows up again.
    if (faults.duplicateAcrossPages && page > 1 && from - 1 < total) served = [items[from - 1], ...served];

    const linkBase = new URL(url.pathname, baseUrl);
    for (const [k, v] of q) if (!k.startsWith('oauth_') && k !== 'page') linkBase.searchParams.set(k, v);
    const link = (p: number, rel: string) => {
      const u = new URL(linkBase);
      u.searchParams.set('page', String(p));
      return `<${u}>; rel="${rel}"`;
    };
    const links = [page > 1 ? link(Math.min(page - 1, Math.max(totalPages, 1)), 'prev') : '', page < totalPages ? link(page + 1, 'next') : ''].filter(Boolean);
    return {
      status: 200,
      body: served.map(orderJson),
      headers: { 'X-WP-Total': String(total), 'X-WP-TotalPages': String(totalPages), ...(links.length ? { Link: links.join(', ') } : {}) },
    };
  }

  function trackingJson(orderId: string, t: Tracking): Json {
    return { ...t, tracking_link: '', _links: { up: [{ href: `${baseUrl}/wp-json/wc/v3/orders/${orderId}` }] } };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const entry = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), authOk: false, status: 0 };
    requests.push(entry);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'X-Robots-Tag': 'noindex', ...headers });
      res.end(phpJson(body));
    };
    const wpError = (e: WpError, headers: Record<string, string> = {}) => send(e.status, { code: e.code, message: e.message, data: { status: e.status } }, headers);
    const noRoute = () => wpError({ status: 404, code: 'rest_no_route', message: 'No route was found matching the URL and request method.' });
    const body = async (): Promise<Json | null> => {
      const raw = await readBody(req);
      try {
        const parsed = raw ? JSON.parse(raw) : {};
        return parsed && typeof parsed === 'object' ? parsed : null;
      } catch {
        return null;
      }
    };

    const collection = url.pathname === '/wp-json/wc/v3/orders';
    const single = /^\/wp-json\/wc\/v3\/orders\/(\d+)$/.exec(url.pathname);
    const trackings = opts.shipmentTracking === false ? null : /^\/wp-json\/wc-shipment-tracking\/v3\/orders\/(\d+)\/shipment-trackings$/.exec(url.pathname);
    const orderNotes = /^\/wp-json\/wc\/v3\/orders\/(\d+)\/notes$/.exec(url.pathname);
    const reading = method === 'GET';
    if (
      !(collection && reading) &&
      !(single && ['GET', 'POST', 'PUT', 'PATCH'].includes(method)) &&
      !(trackings && ['GET', 'POST'].includes(method)) &&
      !(orderNotes && ['GET', 'POST'].includes(method))
    ) return noRoute();

    const refused = authenticate(req, url, {
      status: 401,
      code: reading ? 'woocommerce_rest_cannot_view' : 'woocommerce_rest_cannot_edit',
      message: reading ? (collection ? 'Sorry, you cannot list resources.' : 'Sorry, you cannot view this resource.') : 'Sorry, you are not allowed to edit this resource.',
    });
    if (refused) return wpError(refused);
    entry.authOk = true;

    if (collection) {
      if (pending.hang > 0) {
        pending.hang--;
        hanging.add(res);
        return;
      }
      if (pending.rateLimit > 0) {
        pending.rateLimit--;
        // WordPress has no rate limit of its own; hosts and WooCommerce's limiter answer like this
        return wpError({ status: 429, code: 'woocommerce_rest_too_many_requests', message: 'Too many requests. Please wait and try again.' }, { 'Retry-After': String(pending.retryAfter) });
      }
      if (pending.fail > 0) {
        pending.fail--;
        return wpError({ status: pending.failStatus, code: 'internal_server_error', message: '<p>There has been a critical error on this website.</p>' });
      }
      const answer = listOrders(url);
      return send(answer.status, answer.body, answer.headers);
    }

    const fault = writeBack.take();
    // revoked REST API keys: WooCommerce's authentication error
    if (fault === 'token_expired') return wpError({ status: 401, code: 'woocommerce_rest_authentication_error', message: 'Consumer key is invalid.' });
    if (fault === 'server_error') return wpError({ status: 500, code: 'internal_server_error', message: '<p>There has been a critical error on this website.</p>' });
    let r = book.byId.get((single ?? trackings ?? orderNotes)![1]);
    if (fault === 'already_shipped' && r) {
      // the shop manager completed the order by hand in wp-admin just before
      book.put({ ...r, status: 'completed', updatedMs: Math.max(Date.now(), floorSec(r.updatedMs) + 1000) });
      r = book.byId.get(r.id);
    }
    if (single) {
      if (!r) return wpError({ status: 404, code: 'woocommerce_rest_shop_order_invalid_id', message: 'Invalid ID.' });
      if (method === 'GET') return send(200, orderJson(r));
      const changes = await body();
      if (!changes) return wpError({ status: 400, code: 'rest_invalid_json', message: 'Invalid JSON body passed.' });
      if (changes.status !== undefined) {
        if (!ORDER_STATUSES.includes(changes.status)) return wpError({ status: 400, code: 'rest_invalid_param', message: 'Invalid parameter(s): status' });
        book.put({ ...r, status: changes.status, updatedMs: Math.max(Date.now(), floorSec(r.updatedMs) + 1000) });
      }
      return send(200, orderJson(book.byId.get(r.id)!));
    }

    if (orderNotes) {
      // WC_REST_Order_Notes_Controller: `note` required, `customer_note` mails the buyer
      if (!r) return wpError({ status: 404, code: 'woocommerce_rest_order_invalid_id', message: 'Invalid order ID.' });
      const noteJson = (n: Note) => ({ id: n.id, author: 'system', date_created: local(n.ms), date_created_gmt: gmt(n.ms), note: n.note, customer_note: n.customer_note, added_by_user: false });
      if (method === 'GET') return send(200, r.orderNotes.slice().reverse().map(noteJson));
      const item = await body();
      if (!item) return wpError({ status: 400, code: 'rest_invalid_json', message: 'Invalid JSON body passed.' });
      if (typeof item.note !== 'string' || !item.note) return wpError({ status: 400, code: 'rest_missing_callback_param', message: 'Missing parameter(s): note' });
      const n: Note = { id: nextNoteId++, note: item.note, customer_note: item.customer_note === true, ms: Date.now() };
      r.orderNotes.push(n);
      notes.push({ orderId: r.id, note: n.note, customerNote: n.customer_note });
      return send(201, noteJson(n));
    }
    if (!r) return wpError({ status: 404, code: 'woocommerce_rest_order_invalid_id', message: 'Invalid order ID.' });
    if (method === 'GET') return send(200, r.trackings.map((t) => trackingJson(r.id, t)));
    const item = await body();
    if (!item) return wpError({ status: 400, code: 'rest_invalid_json', message: 'Invalid JSON body passed.' });
    if (!item.tracking_number) return wpError({ status: 400, code: 'rest_missing_callback_param', message: 'Missing parameter(s): tracking_number' });
    const provider = String(item.tracking_provider || item.custom_tracking_provider || '');
    const t: Tracking = {
      tracking_id: crypto.randomBytes(16).toString('hex'),
      tracking_provider: provider,
      tracking_number: String(item.tracking_number),
      date_shipped: typeof item.date_shipped === 'string' && item.date_shipped ? item.date_shipped : local(Date.now()).slice(0, 10),
    };
    r.trackings.push(t);
    shipments.push({ orderId: r.id, trackingNo: t.tracking_number, carrier: provider, lineIds: null });
    return send(201, trackingJson(r.id, t), { Location: `${baseUrl}${url.pathname}/${t.tracking_id}` });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ code: 'internal_server_error', message: String(err), data: { status: 500 } }));
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    platform: 'woocommerce',
    baseUrl,
    credentials,
    faults,
    requests,
    shipments,
    notes,
    writeBackFault(fault, n) {
      writeBack.set(fault, n);
    },
    upsert(spec) {
      book.put(record(spec));
    },
    upsertMany(specs) {
      book.putMany(specs.map(record));
    },
    webhook(orderId, topic = 'order.updated'): FakeWebhook {
      if (topic === 'ping') {
        // WC_Webhook::deliver_ping: a form post naming the webhook, unsigned, without X-WC headers
        return { headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': USER_AGENT }, body: Buffer.from(`webhook_id=${WEBHOOK_ID}`), query: {} };
      }
      const r = book.byId.get(orderId);
      if (!r) throw new Error(`fake WooCommerce has no order ${orderId}`);
      const [resource, event] = topic.split('.');
      // a deleted resource's payload is its id alone (WC_Webhook::build_payload)
      const body = Buffer.from(phpJson(event === 'deleted' ? { id: numericId(r.id) } : orderJson(r)));
      return {
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': USER_AGENT,
          'X-WC-Webhook-Source': `${baseUrl}/`,
          'X-WC-Webhook-Topic': topic,
          'X-WC-Webhook-Resource': resource,
          'X-WC-Webhook-Event': event ?? '',
          'X-WC-Webhook-Signature': crypto.createHmac('sha256', credentials.webhookSecret).update(body).digest('base64'),
          'X-WC-Webhook-ID': String(WEBHOOK_ID),
          'X-WC-Webhook-Delivery-ID': crypto.randomBytes(16).toString('hex'),
        },
        body,
        query: {},
      };
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1 << 20) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
