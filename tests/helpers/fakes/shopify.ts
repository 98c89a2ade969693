/**
 * A fake Shopify store speaking the Admin REST API on loopback, for tests, the demo and the ingest
 * benchmark. It checks `X-Shopify-Access-Token` (401 `{"errors": "[API] Invalid API key or access
 * token ..."}` otherwise), serves orders in Shopify's JSON with cursor paging (`Link` header with
 * `page_info`; a request with `page_info` may carry only `limit` and `fields`), has one fulfillment
 * order per order, accepts fulfillments with tracking info, and signs webhooks like Shopify
 * (base64 HMAC-SHA256 of the body with the app's API secret).
 *
 * Orders are kept sorted by (updated_at, id) so a window is found by binary search and a page is
 * a slice: 100,000 orders serve at several thousand orders per second.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeOrderSpec, FakePlatform, FakeShipment, FakeWebhook } from './types';
import { DEFAULT_RECEIVER, floorSec, compareIds, money, numericId, OrderBook, faultSwitches, writeBackSwitch } from './order-book';

export interface FakeShopify extends FakePlatform {
  /**
   * Fulfillment-order reads answer as if nothing had been fulfilled (a lagging read), so that a
   * fulfillment request meets Shopify's own 422 for a closed fulfillment order.
   */
  staleFulfillmentOrders: boolean;
}

export interface FakeShopifyOptions {
  credentials?: { accessToken?: string; apiSecret?: string };
  shopDomain?: string;
}

type Json = Record<string, any>;

const MAX_LIMIT = 250;
const SHOP_OFFSET_MS = 8 * 3600 * 1000; // the shop's timezone, Asia/Shanghai
/** Chinese province names as Shopify keeps them: English name and a two-letter code. */
const PROVINCES: Array<[code: string, english: string, chinese: string]> = [
  ['AH', 'Anhui', '安徽省'], ['BJ', 'Beijing', '北京市'], ['CQ', 'Chongqing', '重庆市'], ['FJ', 'Fujian', '福建省'],
  ['GS', 'Gansu', '甘肃省'], ['GD', 'Guangdong', '广东省'], ['GX', 'Guangxi', '广西壮族自治区'], ['GZ', 'Guizhou', '贵州省'],
  ['HI', 'Hainan', '海南省'], ['HE', 'Hebei', '河北省'], ['HL', 'Heilongjiang', '黑龙江省'], ['HA', 'Henan', '河南省'],
  ['HB', 'Hubei', '湖北省'], ['HN', 'Hunan', '湖南省'], ['NM', 'Inner Mongolia', '内蒙古自治区'], ['JS', 'Jiangsu', '江苏省'],
  ['JX', 'Jiangxi', '江西省'], ['JL', 'Jilin', '吉林省'], ['LN', 'Liaoning', '辽宁省'], ['NX', 'Ningxia', '宁夏回族自治区'],
  ['QH', 'Qinghai', '青海省'], ['SN', 'Shaanxi', '陕西省'], ['SD', 'Shandong', '山东省'], ['SH', 'Shanghai', '上海市'],
  ['SX', 'Shanxi', '山西省'], ['SC', 'Sichuan', '四川省'], ['TJ', 'Tianjin', '天津市'], ['XJ', 'Xinjiang', '新疆维吾尔自治区'],
  ['YZ', 'Xizang', '西藏自治区'], ['YN', 'Yunnan', '云南省'], ['ZJ', 'Zhejiang', '浙江省'],
];

interface Fulfillment {
  id: number;
  trackingNo: string;
  company: string;
  /** fulfilled quantity by line index */
  qty: number[];
  ms: number;
}

interface Rec {
  id: string;
  spec: FakeOrderSpec;
  updatedMs: number;
  createdMs: number;
  fulfillmentOrderId: number;
  /** by line index: line item id, fulfillment-order line item id, quantity fulfilled */
  lineIds: number[];
  foLineIds: number[];
  fulfilled: number[];
  fulfillments: Fulfillment[];
}

/** Shopify's timestamps: to the second, in the shop's offset. */
const shopTime = (ms: number) => new Date(floorSec(ms) + SHOP_OFFSET_MS).toISOString().slice(0, 19) + '+08:00';
const stableNumber = (s: string) => parseInt(crypto.createHash('sha1').update(s).digest('hex').slice(0, 10), 16);

export async function startFakeShopify(opts: FakeShopifyOptions = {}): Promise<FakeShopify> {
  const credentials = {
    accessToken: opts.credentials?.accessToken ?? `shpat_${crypto.randomBytes(16).toString('hex')}`,
    apiSecret: opts.credentials?.apiSecret ?? crypto.randomBytes(16).toString('hex'),
  };
  const shopDomain = opts.shopDomain ?? 'origin-farm.myshopify.com';
  const book = new OrderBook<Rec>();
  const fulfillmentOrderOwner = new Map<number, string>();
  const requests: FakePlatform['requests'] = [];
  const shipments: FakeShipment[] = [];
  const { pending, faults } = faultSwitches(2);
  const writeBack = writeBackSwitch();
  let nextId = 10_000_000_001;
  let baseUrl = '';
  /** the API version of the last request, echoed like Shopify does */
  let version = '2024-10';
  const hanging = new Set<http.ServerResponse>();


  function record(spec: FakeOrderSpec): Rec {
    const old = book.byId.get(spec.id);
    const now = Date.now();
    // "later than any earlier upsert" must survive Shopify's whole-second timestamps
    const updatedMs = spec.updatedAt?.getTime() ?? Math.max(now, old ? floorSec(old.updatedMs) + 1000 : 0);
    const rec: Rec = old
      ? { ...old, spec, updatedMs }
      : { id: spec.id, spec, updatedMs, createdMs: spec.createdAt?.getTime() ?? updatedMs, fulfillmentOrderId: nextId++, lineIds: [], foLineIds: [], fulfilled: [], fulfillments: [] };
    if (spec.createdAt) rec.createdMs = spec.createdAt.getTime();
    for (let i = rec.lineIds.length; i < spec.lines.length; i++) {
      rec.lineIds.push(nextId++);
      rec.foLineIds.push(nextId++);
      rec.fulfilled.push(0);
    }
    fulfillmentOrderOwner.set(rec.fulfillmentOrderId, rec.id);
    return rec;
  }

  function orderJson(r: Rec): Json {
    const s = r.spec;
    const paid = s.paid ?? true;
    const cancelled = s.cancelled ?? false;
    const rc = s.receiver ?? DEFAULT_RECEIVER;
    const cjk = /[\u3400-\u9fff]/.test(rc.name);
    const [first, last] = cjk ? [rc.name.slice(1), rc.name.slice(0, 1)] : [rc.name.split(' ')[0], rc.name.split(' ').slice(1).join(' ')];
    const province = PROVINCES.find((p) => p[2] === rc.province);
    const lines = s.lines.map((l, i) => {
      const priceFen = l.priceFen ?? 1000;
      const done = r.fulfilled[i];
      return {
        id: r.lineIds[i],
        admin_graphql_api_id: `gid://shopify/LineItem/${r.lineIds[i]}`,
        variant_id: l.variantId ? numericId(l.variantId) : l.sku ? stableNumber(`v:${l.sku}`) : null,
        product_id: l.sku ? stableNumber(`p:${l.sku}`) : null,
        title: l.title ?? `商品 ${l.sku ?? i + 1}`,
        variant_title: null,
        name: l.title ?? `商品 ${l.sku ?? i + 1}`,
        sku: l.sku ?? '',
        vendor: '合作社',
        quantity: l.qty,
        current_quantity: l.qty,
        fulfillable_quantity: cancelled ? 0 : l.qty - done,
        fulfillment_status: done === 0 ? null : done < l.qty ? 'partial' : 'fulfilled',
        requires_shipping: true,
        taxable: false,
        gift_card: false,
        grams: 500,
        price: money(priceFen),
        total_discount: '0.00',
        properties: [],
        tax_lines: [],
        discount_allocations: [],
      };
    });
    const totalFen = s.lines.reduce((sum, l) => sum + (l.priceFen ?? 1000) * l.qty, 0);
    const fulfilledAll = s.lines.every((l, i) => r.fulfilled[i] >= l.qty);
    const fulfilledAny = r.fulfilled.some((q) => q > 0);
    const address = {
      first_name: first,
      last_name: last,
      name: rc.name,
      address1: `${rc.district}${rc.address}`,
      address2: '',
      city: rc.city,
      province: province?.[1] ?? rc.province,
      province_code: province?.[0] ?? null,
      country: 'China',
      country_code: 'CN',
      zip: null,
      phone: rc.phone,
      company: null,
    };
    return {
      id: numericId(r.id),
      admin_graphql_api_id: `gid://shopify/Order/${r.id}`,
      name: `#${r.id}`,
      order_number: numericId(r.id),
      email: 'buyer@example.com',
      phone: null,
      created_at: shopTime(r.createdMs),
      updated_at: shopTime(r.updatedMs),
      processed_at: shopTime(r.createdMs),
      cancelled_at: cancelled ? shopTime(r.updatedMs) : null,
      cancel_reason: cancelled ? 'customer' : null,
      closed_at: null,
      currency: 'CNY',
      presentment_currency: 'CNY',
      financial_status: cancelled ? (paid ? 'refunded' : 'voided') : paid ? 'paid' : 'pending',
      fulfillment_status: fulfilledAll ? 'fulfilled' : fulfilledAny ? 'partial' : null,
      total_price: money(totalFen),
      subtotal_price: money(totalFen),
      total_tax: '0.00',
      taxes_included: true,
      note: null,
      tags: '',
      test: false,
      billing_address: address,
      shipping_address: address,
      // a broken record: what the adapter must report and skip
      line_items: s.malformed ? null : lines,
      shipping_lines: [],
      fulfillments: r.fulfillments.map((f) => fulfillmentJson(r, f)),
    };
  }

  function fulfillmentJson(r: Rec, f: Fulfillment): Json {
    return {
      id: f.id,
      order_id: numericId(r.id),
      status: 'success',
      service: 'manual',
      created_at: shopTime(f.ms),
      updated_at: shopTime(f.ms),
      tracking_company: f.company,
      tracking_number: f.trackingNo,
      tracking_numbers: [f.trackingNo],
      tracking_url: null,
      tracking_urls: [],
      shipment_status: null,
      line_items: r.spec.lines.flatMap((l, i) => (f.qty[i] > 0 ? [{ id: r.lineIds[i], sku: l.sku ?? '', quantity: f.qty[i] }] : [])),
    };
  }

  function fulfillmentOrderJson(r: Rec, stale: boolean): Json {
    const cancelled = r.spec.cancelled ?? false;
    const fulfilled = stale ? r.spec.lines.map(() => 0) : r.fulfilled;
    const remaining = r.spec.lines.reduce((sum, l, i) => sum + l.qty - fulfilled[i], 0);
    const status = cancelled || remaining === 0 ? 'closed' : fulfilled.some((q) => q > 0) ? 'in_progress' : 'open';
    return {
      id: r.fulfillmentOrderId,
      order_id: numericId(r.id),
      assigned_location_id: 1,
      request_status: 'unsubmitted',
      status,
      supported_actions: status === 'closed' ? [] : ['create_fulfillment', 'hold', 'move'],
      fulfill_at: shopTime(r.createdMs),
      fulfillment_holds: [],
      delivery_method: { method_type: 'shipping' },
      line_items: r.spec.lines.map((l, i) => ({
        id: r.foLineIds[i],
        fulfillment_order_id: r.fulfillmentOrderId,
        line_item_id: r.lineIds[i],
        quantity: l.qty,
        fulfillable_quantity: status === 'closed' ? 0 : l.qty - fulfilled[i],
        variant_id: l.variantId ? numericId(l.variantId) : null,
      })),
    };
  }

  function pick(order: Json, fields: string | null): Json {
    if (!fields) return order;
    return Object.fromEntries(fields.split(',').map((f) => [f.trim(), order[f.trim()]]));
  }

  const statusMatches = (r: Rec, status: string) =>
    status === 'any' || (status === 'cancelled' ? !!r.spec.cancelled : status === 'open' ? !r.spec.cancelled : false);

  interface Cursor {
    lo: number; // inclusive, ms
    hi: number; // exclusive, ms
    st: string;
    dir: 'next' | 'prev';
    ms: number;
    id: string;
  }
  const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
  function decode(s: string): Cursor | null {
    try {
      const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
      return typeof c?.lo === 'number' && typeof c?.hi === 'number' && typeof c?.ms === 'number' && typeof c?.id === 'string' ? c : null;
    } catch {
      return null;
    }
  }

  function listOrders(q: URLSearchParams): { status: number; body: Json; link?: string } {
    const limit = Math.min(Math.max(Number(q.get('limit') ?? 50) || 50, 1), MAX_LIMIT);
    const fields = q.get('fields');
    const ids = q.get('ids');
    if (ids) {
      const found = ids.split(',').flatMap((id) => book.byId.get(id.trim()) ?? []).filter((r) => statusMatches(r, q.get('status') ?? 'open'));
      return { status: 200, body: { orders: found.slice(0, limit).map((r) => pick(orderJson(r), fields)) } };
    }

    let cursor: Cursor;
    const pageInfo = q.get('page_info');
    if (pageInfo) {
      const others = [...q.keys()].filter((k) => !['page_info', 'limit', 'fields'].includes(k));
      if (others.length) return { status: 400, body: { errors: { page_info: [`cannot be used with ${others.join(', ')}: send only limit and fields with page_info`] } } };
      const c = decode(pageInfo);
      if (!c) return { status: 400, body: { errors: { page_info: ['Invalid value.'] } } };
      cursor = c;
    } else {
      const min = q.get('updated_at_min') ? Date.parse(q.get('updated_at_min')!) : -Infinity;
      const max = q.get('updated_at_max') ? Date.parse(q.get('updated_at_max')!) : Infinity;
      if (Number.isNaN(min) || Number.isNaN(max)) return { status: 400, body: { errors: { updated_at: ['is not a valid date'] } } };
      // Both bounds inclusive, compared to the second: floor(u) >= min and floor(u) <= max.
      const lo = Number.isFinite(min) ? Math.ceil(min / 1000) * 1000 : -Infinity;
      const hi = Number.isFinite(max) ? floorSec(max) + 1000 : Infinity;
      cursor = { lo, hi, st: q.get('status') ?? 'open', dir: 'next', ms: -Infinity, id: '' };
    }

    const end = book.lowerBound(cursor.hi);
    const page: Rec[] = [];
    let more = false;
    if (cursor.dir === 'next') {
      // the first record after the cursor, even if the cursor's own order has moved since
      for (let i = Math.max(book.lowerBound(cursor.ms, cursor.id, true), book.lowerBound(cursor.lo)); i < end; i++) {
        const r = book.sorted[i];
        if (!statusMatches(r, cursor.st)) continue;
        if (page.length === limit) {
          more = true;
          break;
        }
        page.push(r);
      }
    } else {
      const start = book.lowerBound(cursor.lo);
      for (let i = Math.min(book.lowerBound(cursor.ms, cursor.id), end) - 1; i >= start; i--) {
        const r = book.sorted[i];
        if (!statusMatches(r, cursor.st)) continue;
        if (page.length === limit) {
          more = true;
          break;
        }
        page.unshift(r);
      }
    }

    const links: string[] = [];
    const link = (c: Cursor, rel: string) => `<${baseUrl}/admin/api/${version}/orders.json?limit=${limit}${fields ? `&fields=${encodeURIComponent(fields)}` : ''}&page_info=${encode(c)}>; rel="${rel}"`;
    const first = page[0];
    const last = page[page.length - 1];
    const hasPrev = cursor.dir === 'next' ? cursor.id !== '' : more;
    const hasNext = cursor.dir === 'next' ? more : true;
    if (hasPrev && first) links.push(link({ ...cursor, dir: 'prev', ms: first.updatedMs, id: first.id }, 'previous'));
    if (hasNext && last) links.push(link({ ...cursor, dir: 'next', ms: last.updatedMs, id: last.id }, 'next'));

    // Data moving while paging: the previous page's last order shows up again.
    const repeated = faults.duplicateAcrossPages && cursor.dir === 'next' && cursor.id !== '' ? book.byId.get(cursor.id) : undefined;
    const served = repeated ? [repeated, ...page] : page;
    return { status: 200, body: { orders: served.map((r) => pick(orderJson(r), fields)) }, link: links.join(', ') || undefined };
  }

  function createFulfillment(body: Json | undefined): { status: number; body: Json } {
    const f = body?.fulfillment;
    if (!f || typeof f !== 'object') return { status: 400, body: { errors: { fulfillment: 'Required parameter missing or invalid' } } };
    const groups = f.line_items_by_fulfillment_order;
    if (!Array.isArray(groups) || groups.length === 0) return { status: 422, body: { errors: ['Line items by fulfillment order must be present'] } };
    const owners = new Set(groups.map((g: Json) => fulfillmentOrderOwner.get(Number(g?.fulfillment_order_id))));
    if (owners.has(undefined)) return { status: 404, body: { errors: 'Not Found' } };
    if (owners.size > 1) return { status: 422, body: { errors: ['All fulfillment orders must belong to the same order.'] } };
    const r = book.byId.get([...owners][0]!)!;
    const fo = fulfillmentOrderJson(r, false);
    if (fo.status === 'closed') return { status: 422, body: { errors: [`Fulfillment order ${fo.id} has an unfulfillable status= ${fo.status}.`] } };

    const qty = r.spec.lines.map(() => 0);
    let named = false;
    for (const g of groups as Json[]) {
      if (!Array.isArray(g.fulfillment_order_line_items)) {
        r.spec.lines.forEach((l, i) => (qty[i] = l.qty - r.fulfilled[i]));
        continue;
      }
      named = true;
      for (const item of g.fulfillment_order_line_items as Json[]) {
        const i = r.foLineIds.indexOf(Number(item?.id));
        if (i < 0) return { status: 422, body: { errors: [`Invalid fulfillment order line item id: ${item?.id}`] } };
        if (!Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > r.spec.lines[i].qty - r.fulfilled[i]) {
          return { status: 422, body: { errors: ['Invalid fulfillment order line item quantity requested.'] } };
        }
        qty[i] = item.quantity;
      }
    }
    const tracking: Json = f.tracking_info ?? {};
    const ful: Fulfillment = { id: nextId++, trackingNo: String(tracking.number ?? ''), company: String(tracking.company ?? ''), qty, ms: Date.now() };
    qty.forEach((q, i) => (r.fulfilled[i] += q));
    r.fulfillments.push(ful);
    // a fulfillment changes the order, and so its updated_at
    book.put({ ...r, updatedMs: Math.max(Date.now(), floorSec(r.updatedMs) + 1000) });
    shipments.push({ orderId: r.id, trackingNo: ful.trackingNo, carrier: ful.company, lineIds: named ? r.lineIds.filter((_, i) => qty[i] > 0).map(String) : null });
    return { status: 201, body: { fulfillment: fulfillmentJson(r, ful) } };
  }

  /** The seller fulfils the whole order in the Shopify admin (no tracking number of ours). */
  function fulfilByHand(r: Rec): void {
    const qty = r.spec.lines.map((l, i) => l.qty - r.fulfilled[i]);
    if (qty.every((q) => q <= 0)) return;
    qty.forEach((q, i) => (r.fulfilled[i] += q));
    r.fulfillments.push({ id: nextId++, trackingNo: `MANUAL${r.id}`, company: 'Other', qty, ms: Date.now() });
    book.put({ ...r, updatedMs: Math.max(Date.now(), floorSec(r.updatedMs) + 1000) });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const entry = { method: req.method ?? 'GET', path: url.pathname, query, authOk: false, status: 0 };
    requests.push(entry);
    const send = (status: number, body: Json, headers: Record<string, string> = {}) => {
      entry.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'X-Shopify-API-Version': version, 'X-Shopify-Shop-Api-Call-Limit': '1/40', ...headers });
      res.end(JSON.stringify(body));
    };

    const route = /^\/admin\/api\/(\d{4}-\d{2}|unstable)\/(.+)$/.exec(url.pathname);
    if (!route) return send(404, { errors: 'Not Found' });
    version = route[1];
    const given = req.headers['x-shopify-access-token'];
    entry.authOk = typeof given === 'string' && given.length === credentials.accessToken.length && crypto.timingSafeEqual(Buffer.from(given), Buffer.from(credentials.accessToken));
    if (!entry.authOk) return send(401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });

    const path = route[2];
    const method = req.method ?? 'GET';
    // the write-back calls: fulfillment orders, fulfillments, one order by id
    const writeBackCall = /^orders\/\d+(\/(fulfillment_orders|fulfillments))?\.json$/.test(path) || (method === 'POST' && path === 'fulfillments.json');
    const fault = writeBackCall ? writeBack.take() : null;
    if (fault === 'token_expired') {
      entry.authOk = false;
      return send(401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    }
    if (fault === 'server_error') return send(500, { errors: 'Internal Server Error' });
    if (fault === 'already_shipped') {
      const id = /^orders\/(\d+)/.exec(path)?.[1];
      const r = id ? book.byId.get(id) : undefined;
      if (r) fulfilByHand(r);
    }
    if (method === 'GET' && path === 'orders.json') {
      if (pending.hang > 0) {
        pending.hang--;
        hanging.add(res);
        return;
      }
      if (pending.rateLimit > 0) {
        pending.rateLimit--;
        return send(429, { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' }, { 'Retry-After': pending.retryAfter.toFixed(1) });
      }
      if (pending.fail > 0) {
        pending.fail--;
        return send(pending.failStatus, { errors: pending.failStatus === 503 ? 'Unavailable Shop' : 'Internal Server Error' });
      }
      const answer = listOrders(url.searchParams);
      return send(answer.status, answer.body, answer.link ? { Link: answer.link } : {});
    }
    let m = /^orders\/(\d+)(?:\/(fulfillment_orders|fulfillments))?\.json$/.exec(path);
    if (method === 'GET' && m) {
      const r = book.byId.get(m[1]);
      if (!r) return send(404, { errors: 'Not Found' });
      if (!m[2]) return send(200, { order: pick(orderJson(r), url.searchParams.get('fields')) });
      if (m[2] === 'fulfillments') return send(200, { fulfillments: r.fulfillments.map((f) => fulfillmentJson(r, f)) });
      return send(200, { fulfillment_orders: [fulfillmentOrderJson(r, fake.staleFulfillmentOrders)] });
    }
    m = /^fulfillments\.json$/.exec(path);
    if (method === 'POST' && m) {
      let body: Json | undefined;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return send(400, { errors: 'Bad Request' });
      }
      const answer = createFulfillment(body);
      return send(answer.status, answer.body);
    }
    return send(404, { errors: 'Not Found' });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: String(err) }));
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeShopify = {
    platform: 'shopify',
    baseUrl,
    credentials,
    faults,
    requests,
    shipments,
    staleFulfillmentOrders: false,
    writeBackFault(fault, n) {
      writeBack.set(fault, n);
    },
    upsert(spec) {
      book.put(record(spec));
    },
    upsertMany(specs) {
      book.putMany(specs.map(record));
    },
    webhook(orderId, topic = 'orders/updated'): FakeWebhook {
      const r = book.byId.get(orderId);
      if (!r) throw new Error(`fake Shopify has no order ${orderId}`);
      const body = Buffer.from(topic === 'orders/delete' ? JSON.stringify({ id: numericId(r.id) }) : JSON.stringify(orderJson(r)));
      return {
        headers: {
          'Content-Type': 'application/json',
          'X-Shopify-Topic': topic,
          'X-Shopify-Hmac-Sha256': crypto.createHmac('sha256', credentials.apiSecret).update(body).digest('base64'),
          'X-Shopify-Shop-Domain': shopDomain,
          'X-Shopify-API-Version': version,
          'X-Shopify-Webhook-Id': crypto.randomUUID(),
          'X-Shopify-Event-Id': crypto.randomUUID(),
          'X-Shopify-Triggered-At': new Date().toISOString(),
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
  return fake;
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
