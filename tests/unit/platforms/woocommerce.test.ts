/** The WooCommerce adapter against the fake WooCommerce over loopback HTTP (OAuth 1.0a on plain http). */
import { signOAuth1, wooCommerceAdapter as adapter } from '../../../integrations/platforms/woocommerce';
import { PlatformError, WebhookRejected, type OrderPage, type PlatformConnection, type PullWindow, type WebhookRequest } from '../../../integrations/platforms/types';
import { startFakeWooCommerce } from '../../helpers/fakes/woocommerce';
import type { FakeOrderSpec, FakePlatform, FakeWebhook } from '../../helpers/fakes/types';

let fake: FakePlatform;
let conn: PlatformConnection;

beforeAll(async () => {
  fake = await startFakeWooCommerce();
  conn = { storeId: 2, baseUrl: fake.baseUrl, credentials: fake.credentials, timeoutMs: 5_000 };
});
afterAll(() => fake.close());

/** Each test has its own day, so the orders of one never fall into another's window. */
const day = (n: number) => Date.UTC(2024, 4, n);
const at = (ms: number) => new Date(ms);
const windowOf = (from: number, to: number): PullWindow => ({ from: at(from), to: at(to) });
const order = (id: number, updatedMs: number, extra: Partial<FakeOrderSpec> = {}): FakeOrderSpec => ({ id: String(id), updatedAt: at(updatedMs), lines: [{ sku: 'APPLE-1KG', qty: 1 }], ...extra });
const request = (hook: FakeWebhook): WebhookRequest => ({ headers: hook.headers, rawBody: hook.body, query: hook.query });

async function pullAll(window: PullWindow, c = conn): Promise<OrderPage[]> {
  const pages: OrderPage[] = [];
  let token: string | null = null;
  do {
    const page: OrderPage = await adapter.pullOrders(c, window, token);
    pages.push(page);
    token = page.next;
  } while (token && pages.length < 100);
  return pages;
}

async function rejection(p: Promise<unknown>): Promise<PlatformError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(PlatformError);
  return err as PlatformError;
}

function rejectionCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof WebhookRejected) return err.code;
    throw err;
  }
  return 'accepted';
}

describe('authentication over plain http', () => {
  it('signs every request with OAuth 1.0a in the query string, which the fake verifies', async () => {
    const before = fake.requests.length;
    await pullAll(windowOf(day(1), day(1) + 1000));
    const [sent] = fake.requests.slice(before);
    expect(sent).toMatchObject({ authOk: true, status: 200 });
    expect(Object.keys(sent.query)).toEqual(expect.arrayContaining(['oauth_consumer_key', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method', 'oauth_timestamp']));
    expect(sent.query.oauth_signature_method).toBe('HMAC-SHA1');
    expect(sent.query).not.toHaveProperty('oauth_version');
  });

  it('a wrong consumer secret is auth, and the fake saw the signature fail', async () => {
    const err = await rejection(adapter.pullOrders({ ...conn, credentials: { ...conn.credentials, consumerSecret: 'cs_wrong' } }, windowOf(day(1), day(2)), null));
    expect([err.kind, err.opts.status]).toEqual(['auth', 401]);
    expect(fake.requests.at(-1)).toMatchObject({ authOk: false, status: 401 });
  });

  it('the fake refuses a replayed nonce and a stale timestamp, like WooCommerce', async () => {
    const url = `${fake.baseUrl}/wp-json/wc/v3/orders?per_page=1`;
    const signed = signOAuth1('GET', url, conn.credentials.consumerKey, conn.credentials.consumerSecret);
    expect((await fetch(signed)).status).toBe(200);
    const replay = await fetch(signed);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ code: 'woocommerce_rest_authentication_error', message: expect.stringContaining('nonce') });
    const stale = await fetch(signOAuth1('GET', url, conn.credentials.consumerKey, conn.credentials.consumerSecret, Date.now() - 20 * 60_000));
    expect(await stale.json()).toMatchObject({ message: 'Invalid timestamp.', data: { status: 401 } });
    // Basic auth is for https only: over http WooCommerce does not even look at it
    const basic = await fetch(url, { headers: { Authorization: 'Basic ' + Buffer.from(`${conn.credentials.consumerKey}:${conn.credentials.consumerSecret}`).toString('base64') } });
    expect(basic.status).toBe(401);
  });
});

describe('pulling orders', () => {
  it('pages through 600 orders by page number until X-WP-TotalPages, each exactly once', async () => {
    const ids = Array.from({ length: 600 }, (_, i) => 1_000_000 + i);
    fake.upsertMany(ids.map((id, i) => order(id, day(2) + i * 1000)));
    const before = fake.requests.length;

    const pages = await pullAll(windowOf(day(2), day(2) + 600_000));
    const got = pages.flatMap((p) => p.orders.map((o) => o.externalId));
    expect(pages.map((p) => p.orders.length)).toEqual([100, 100, 100, 100, 100, 100]);
    expect(pages.map((p) => p.next)).toEqual(['2', '3', '4', '5', '6', null]);
    expect(got).toEqual(ids.map(String)); // orderby=modified, order=asc
    const sent = fake.requests.slice(before);
    expect(sent.every((r) => r.authOk && r.status === 200)).toBe(true);
    expect(sent[0].query).toMatchObject({ orderby: 'modified', order: 'asc', per_page: '100', page: '1', dates_are_gmt: 'true' });
  });

  it('returns what WooCommerce serves when data moves while paging: the last order of a page again on the next', async () => {
    fake.upsertMany(Array.from({ length: 300 }, (_, i) => order(2_000_000 + i, day(3) + i * 1000)));
    fake.faults.duplicateAcrossPages = true;
    try {
      const pages = await pullAll(windowOf(day(3), day(3) + 300_000));
      const got = pages.flatMap((p) => p.orders.map((o) => o.externalId));
      expect(pages.length).toBe(3);
      expect(got).toHaveLength(302);
      expect(new Set(got).size).toBe(300);
      expect(pages[2].orders[0].externalId).toBe(pages[1].orders[100].externalId);
    } finally {
      fake.faults.duplicateAcrossPages = false;
    }
  });

  it('takes the window as [from, to) although WordPress compares exclusively on both ends', async () => {
    const from = day(4) + 3600_000;
    const to = from + 10_000;
    fake.upsertMany([order(4001, from - 1000), order(4002, from), order(4003, from + 5_000), order(4004, to - 1000), order(4005, to), order(4006, to + 60_000)]);
    const got = (await pullAll(windowOf(from, to))).flatMap((p) => p.orders.map((o) => o.externalId));
    expect(got).toEqual(['4002', '4003', '4004']);
  });

  it('maps statuses, money in fen, GMT dates and the Chinese receiver (state code, billing phone)', async () => {
    const t = day(5);
    const receiver = { name: '欧阳娜娜', phone: '13912345678', province: '广东省', city: '深圳市', district: '南山区', address: '科技园 1 栋 302' };
    fake.upsertMany([
      order(5001, t, { receiver, createdAt: at(t - 3600_000), lines: [{ sku: 'LYCHEE-2KG', variantId: '4444', qty: 3, priceFen: 1990, title: '妃子笑荔枝 2kg' }, { sku: 'BOX', qty: 1, priceFen: 5 }] }),
      order(5002, t + 1000, { paid: false }),
      order(5003, t + 2000, { paid: false, cancelled: true }),
      order(5004, t + 3000, { paid: true, cancelled: true }),
    ]);
    const [page] = await pullAll(windowOf(t, t + 10_000));
    const byId = new Map(page.orders.map((o) => [o.externalId, o]));

    expect(byId.get('5001')).toEqual({
      externalId: '5001',
      platformStatus: 'processing',
      paid: true,
      cancelled: false,
      // from date_modified_gmt: date_modified is Beijing time without an offset
      updatedAt: '2024-05-05T00:00:00.000Z',
      createdAt: '2024-05-04T23:00:00.000Z',
      receiver: { name: '欧阳娜娜', phone: '13912345678', province: '广东省', city: '深圳市', district: null, address: '南山区科技园 1 栋 302', postcode: null },
      lines: [
        { externalLineId: expect.stringMatching(/^\d+$/), listingCode: 'LYCHEE-2KG', variantId: '4444', title: '妃子笑荔枝 2kg', qty: 3, priceFen: 1990 },
        { externalLineId: expect.stringMatching(/^\d+$/), listingCode: 'BOX', variantId: expect.stringMatching(/^\d+$/), title: expect.any(String), qty: 1, priceFen: 5 },
      ],
      totalFen: 5975,
      currency: 'CNY',
      buyerNote: null,
    });
    expect(byId.get('5002')).toMatchObject({ platformStatus: 'pending', paid: false, cancelled: false });
    expect(byId.get('5003')).toMatchObject({ platformStatus: 'cancelled', paid: false, cancelled: true });
    expect(byId.get('5004')).toMatchObject({ platformStatus: 'refunded', paid: false, cancelled: true });
  });

  it('reports a malformed order and keeps the rest of the page', async () => {
    const t = day(6);
    fake.upsertMany([order(6001, t), order(6002, t + 1000, { malformed: true }), order(6003, t + 2000)]);
    const [page] = await pullAll(windowOf(t, t + 10_000));
    expect(page.orders.map((o) => o.externalId)).toEqual(['6001', '6003']);
    expect(page.malformed).toEqual([{ externalId: '6002', reason: expect.stringContaining('quantity') }]);
  });

  it('fetches orders by id', async () => {
    fake.upsertMany([order(7001, day(7)), order(7002, day(7), { cancelled: true })]);
    const { orders } = await adapter.fetchOrders(conn, ['7001', '7002', '7999']);
    expect(orders.map((o) => [o.externalId, o.cancelled]).sort()).toEqual([['7001', false], ['7002', true]]);
  });
});

describe('failures', () => {
  const w = windowOf(day(8), day(9));

  it('429 is rate_limited with Retry-After', async () => {
    fake.faults.rateLimitNext(1, 4);
    const err = await rejection(adapter.pullOrders(conn, w, null));
    expect([err.kind, err.opts.retryAfterMs]).toEqual(['rate_limited', 4000]);
    await expect(adapter.pullOrders(conn, w, null)).resolves.toMatchObject({ orders: [], next: null });
  });

  it('a 500 is unavailable', async () => {
    fake.faults.failNext(1);
    const err = await rejection(adapter.pullOrders(conn, w, null));
    expect([err.kind, err.opts.status]).toEqual(['unavailable', 500]);
  });

  it('no answer within the timeout is timeout', async () => {
    fake.faults.hangNext(1);
    const err = await rejection(adapter.pullOrders({ ...conn, timeoutMs: 300 }, w, null));
    expect(err.kind).toBe('timeout');
  });
});

describe('webhooks', () => {
  it('verifies X-WC-Webhook-Signature and reads the order; the same delivery keeps its id', () => {
    fake.upsert(order(8001, day(10), { paid: false }));
    const hook = fake.webhook('8001', 'order.created');
    const result = adapter.parseWebhook(conn, request(hook));
    expect(result).toMatchObject({ kind: 'orders', topic: 'order.created', malformed: [] });
    expect(result.kind === 'orders' && result.orders.map((o) => [o.externalId, o.paid])).toEqual([['8001', false]]);
    expect(result.deliveryId).toMatch(new RegExp(`^${hook.headers['X-WC-Webhook-Delivery-ID']}:`));
    expect(adapter.parseWebhook(conn, request(hook)).deliveryId).toBe(result.deliveryId);
  });

  it('refuses a tampered body, a wrong secret and an unsigned delivery', () => {
    fake.upsert(order(8002, day(10)));
    const hook = fake.webhook('8002');
    const tampered = { ...hook, body: Buffer.from(hook.body.toString('utf8').replace('"quantity":1', '"quantity":9')) };
    expect(tampered.body.equals(hook.body)).toBe(false);
    expect(rejectionCode(() => adapter.parseWebhook(conn, request(tampered)))).toBe('INVALID_SIGNATURE');
    expect(rejectionCode(() => adapter.parseWebhook({ ...conn, credentials: { ...conn.credentials, webhookSecret: 'other' } }, request(hook)))).toBe('INVALID_SIGNATURE');
    const { 'X-WC-Webhook-Signature': _, ...unsigned } = hook.headers;
    expect(rejectionCode(() => adapter.parseWebhook(conn, request({ ...hook, headers: unsigned })))).toBe('INVALID_SIGNATURE');
    expect(rejectionCode(() => adapter.parseWebhook(conn, request(hook)))).toBe('accepted');
  });

  it('answers the ping of a new webhook, ignores other resources, fetches a deleted order', () => {
    fake.upsert(order(8003, day(10)));
    expect(adapter.parseWebhook(conn, request(fake.webhook('8003', 'ping')))).toEqual({ kind: 'ignore', deliveryId: null, topic: 'ping' });
    expect(adapter.parseWebhook(conn, request(fake.webhook('8003', 'product.updated')))).toMatchObject({ kind: 'ignore', topic: 'product.updated' });
    expect(adapter.parseWebhook(conn, request(fake.webhook('8003', 'order.deleted')))).toMatchObject({ kind: 'fetch', topic: 'order.deleted', externalIds: ['8003'] });
  });
});

describe('shipment write-back', () => {
  it('adds the tracking number through Shipment Tracking and completes the order, once even when retried', async () => {
    fake.upsert(order(9001, day(11)));
    const shipment = { externalId: '9001', carrierCode: 'sf', carrierName: '顺丰速运', trackingNo: 'SF1234567890', externalLineIds: null };
    await adapter.writeBackShipment(conn, shipment);
    expect(fake.shipments.filter((s) => s.orderId === '9001')).toEqual([{ orderId: '9001', trackingNo: 'SF1234567890', carrier: '顺丰速运', lineIds: null }]);
    const [after] = (await adapter.fetchOrders(conn, ['9001'])).orders;
    expect(after).toMatchObject({ platformStatus: 'completed', paid: true, cancelled: false });
    expect(fake.requests.filter((r) => r.path === '/wp-json/wc/v3/orders/9001').map((r) => [r.method, r.authOk])).toEqual([['GET', true], ['PUT', true]]);

    // a retry finds the order completed with our tracking number: nothing is added
    expect(await adapter.writeBackShipment(conn, shipment)).toEqual({ outcome: 'already_shipped', detail: expect.stringContaining('completed') });
    expect(fake.shipments.filter((s) => s.orderId === '9001')).toHaveLength(1);
  });

  it('a parcel of some lines adds the tracking number but leaves the order open', async () => {
    fake.upsert(order(9002, day(11), { lines: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 1 }] }));
    const [o] = (await adapter.fetchOrders(conn, ['9002'])).orders;
    await adapter.writeBackShipment(conn, { externalId: '9002', carrierCode: 'zto', carrierName: '中通快递', trackingNo: 'ZT1', externalLineIds: [o.lines[0].externalLineId] });
    expect(fake.shipments.filter((s) => s.orderId === '9002').map((s) => s.trackingNo)).toEqual(['ZT1']);
    expect((await adapter.fetchOrders(conn, ['9002'])).orders[0].platformStatus).toBe('processing');
  });

  it("an unknown order is rejected with WooCommerce's message", async () => {
    const err = await rejection(adapter.writeBackShipment(conn, { externalId: '9999999', carrierCode: 'sf', carrierName: '顺丰速运', trackingNo: 'SF9', externalLineIds: null }));
    expect([err.kind, err.opts.status, err.opts.platformCode]).toEqual(['rejected', 404, 'woocommerce_rest_shop_order_invalid_id']);
    expect(err.message).toContain('Invalid ID.');
  });

  it('a cancelled order is refused; revoked keys fail as auth with WooCommerce\'s words', async () => {
    fake.upsert(order(9003, day(11), { cancelled: true }));
    const cancelled = await rejection(adapter.writeBackShipment(conn, { externalId: '9003', carrierCode: 'sf', carrierName: '顺丰速运', trackingNo: 'SF10', externalLineIds: null }));
    expect(cancelled.kind).toBe('rejected');
    expect(cancelled.message).toMatch(/the order is (cancelled|refunded) in WooCommerce/);
    fake.upsert(order(9004, day(11)));
    fake.writeBackFault('token_expired', 1);
    const revoked = await rejection(adapter.writeBackShipment(conn, { externalId: '9004', carrierCode: 'sf', carrierName: '顺丰速运', trackingNo: 'SF11', externalLineIds: null }));
    expect([revoked.kind, revoked.opts.status]).toEqual(['auth', 401]);
    expect(revoked.message).toContain('Consumer key is invalid.');
  });

  it('without the Shipment Tracking extension the tracking number goes in a customer order note, once', async () => {
    const bare = await startFakeWooCommerce({ shipmentTracking: false });
    try {
      const c = { storeId: 2, baseUrl: bare.baseUrl, credentials: bare.credentials };
      bare.upsert(order(9101, day(11)));
      const shipment = { externalId: '9101', carrierCode: 'SF', carrierName: '顺丰速运', trackingNo: 'SF9101', externalLineIds: null };
      expect(await adapter.writeBackShipment(c, shipment)).toEqual({ outcome: 'shipped' });
      expect(bare.notes).toEqual([{ orderId: '9101', note: expect.stringContaining('SF9101'), customerNote: true }]);
      expect(bare.notes[0].note).toContain('顺丰速运');
      expect((await adapter.fetchOrders(c, ['9101'])).orders[0].platformStatus).toBe('completed');
      expect((await adapter.writeBackShipment(c, shipment)).outcome).toBe('already_shipped');
      expect(bare.notes).toHaveLength(1);
    } finally {
      await bare.close();
    }
  });
});
