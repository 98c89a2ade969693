/** The Shopify adapter against the fake Shopify over loopback HTTP: paging, mapping, faults, webhooks, fulfillments. */
import { shopifyAdapter as adapter } from '../../../integrations/platforms/shopify';
import { PlatformError, WebhookRejected, type OrderPage, type PlatformConnection, type PullWindow } from '../../../integrations/platforms/types';
import { startFakeShopify, type FakeShopify } from '../../helpers/fakes/shopify';
import type { FakeOrderSpec } from '../../helpers/fakes/types';

let fake: FakeShopify;
let conn: PlatformConnection;

beforeAll(async () => {
  fake = await startFakeShopify();
  conn = { storeId: 1, baseUrl: fake.baseUrl, credentials: fake.credentials, timeoutMs: 5_000 };
});
afterAll(() => fake.close());

/** Each test has its own day, so the orders of one never fall into another's window. */
const day = (n: number) => Date.UTC(2024, 2, n);
const at = (ms: number) => new Date(ms);
const windowOf = (from: number, to: number): PullWindow => ({ from: at(from), to: at(to) });
const order = (id: number, updatedMs: number, extra: Partial<FakeOrderSpec> = {}): FakeOrderSpec => ({ id: String(id), updatedAt: at(updatedMs), lines: [{ sku: 'APPLE-1KG', qty: 1 }], ...extra });

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

describe('pulling orders', () => {
  it('pages through 600 orders with the Link header, each exactly once, filters only on the first request', async () => {
    const ids = Array.from({ length: 600 }, (_, i) => 1_000_000 + i);
    fake.upsertMany(ids.map((id, i) => order(id, day(1) + i * 1000)));
    const before = fake.requests.length;

    const pages = await pullAll(windowOf(day(1), day(1) + 600_000));
    const got = pages.flatMap((p) => p.orders.map((o) => o.externalId));
    expect(pages.length).toBe(3);
    expect(pages.map((p) => p.orders.length)).toEqual([250, 250, 100]);
    expect(got).toHaveLength(600);
    expect(new Set(got)).toEqual(new Set(ids.map(String)));

    const sent = fake.requests.slice(before);
    expect(sent.every((r) => r.authOk && r.status === 200 && r.path === '/admin/api/2024-10/orders.json')).toBe(true);
    expect(sent[0].query).toMatchObject({ status: 'any', limit: '250', updated_at_min: '2024-03-01T00:00:00Z', updated_at_max: '2024-03-01T00:09:59Z' });
    // with page_info only limit may come along (Shopify answers 400 otherwise)
    for (const r of sent.slice(1)) expect(Object.keys(r.query).sort()).toEqual(['limit', 'page_info']);
  });

  it('returns what Shopify serves when data moves while paging: the last order of a page again on the next', async () => {
    fake.upsertMany(Array.from({ length: 600 }, (_, i) => order(2_000_000 + i, day(2) + i * 1000)));
    fake.faults.duplicateAcrossPages = true;
    try {
      const pages = await pullAll(windowOf(day(2), day(2) + 600_000));
      const got = pages.flatMap((p) => p.orders.map((o) => o.externalId));
      expect(pages.length).toBe(3);
      expect(got).toHaveLength(602);
      expect(new Set(got).size).toBe(600);
      expect(pages[1].orders[0].externalId).toBe(pages[0].orders[249].externalId);
    } finally {
      fake.faults.duplicateAcrossPages = false;
    }
  });

  it('takes the window as [from, to): the order at `from` is in, the one at `to` is out', async () => {
    const from = day(3) + 3600_000;
    const to = from + 10_000;
    fake.upsertMany([order(3001, from - 1000), order(3002, from), order(3003, from + 5_000), order(3004, to - 1000), order(3005, to), order(3006, to + 60_000)]);
    const got = (await pullAll(windowOf(from, to))).flatMap((p) => p.orders.map((o) => o.externalId));
    expect(got.sort()).toEqual(['3002', '3003', '3004']);
  });

  it('maps payment, cancellation, money in fen and the Chinese receiver', async () => {
    const t = day(4);
    const receiver = { name: '欧阳娜娜', phone: '13912345678', province: '广东省', city: '深圳市', district: '南山区', address: '科技园 1 栋 302' };
    fake.upsertMany([
      order(4001, t, { receiver, createdAt: at(t - 3600_000), lines: [{ sku: 'LYCHEE-2KG', variantId: '4444', qty: 3, priceFen: 1990, title: '妃子笑荔枝 2kg' }, { sku: null, qty: 1, priceFen: 5 }] }),
      order(4002, t + 1000, { paid: false }),
      order(4003, t + 2000, { cancelled: true }),
    ]);
    const [page] = await pullAll(windowOf(t, t + 10_000));
    const byId = new Map(page.orders.map((o) => [o.externalId, o]));

    expect(byId.get('4001')).toEqual({
      externalId: '4001',
      platformStatus: 'paid/unfulfilled',
      paid: true,
      cancelled: false,
      updatedAt: '2024-03-04T00:00:00.000Z',
      createdAt: '2024-03-03T23:00:00.000Z',
      receiver: { name: '欧阳娜娜', phone: '13912345678', province: '广东省', city: '深圳市', district: null, address: '南山区科技园 1 栋 302', postcode: null },
      lines: [
        { externalLineId: expect.stringMatching(/^\d+$/), listingCode: 'LYCHEE-2KG', variantId: '4444', title: '妃子笑荔枝 2kg', qty: 3, priceFen: 1990 },
        { externalLineId: expect.stringMatching(/^\d+$/), listingCode: null, variantId: null, title: expect.any(String), qty: 1, priceFen: 5 },
      ],
      totalFen: 5975,
      currency: 'CNY',
      buyerNote: null,
    });
    expect(byId.get('4002')).toMatchObject({ paid: false, cancelled: false, platformStatus: 'pending/unfulfilled' });
    expect(byId.get('4003')).toMatchObject({ paid: false, cancelled: true });
  });

  it('reports a malformed order and keeps the rest of the page', async () => {
    const t = day(5);
    fake.upsertMany([order(5001, t), order(5002, t + 1000, { malformed: true }), order(5003, t + 2000)]);
    const [page] = await pullAll(windowOf(t, t + 10_000));
    expect(page.orders.map((o) => o.externalId)).toEqual(['5001', '5003']);
    expect(page.malformed).toEqual([{ externalId: '5002', reason: expect.stringContaining('line_items') }]);
  });

  it('fetches orders by id, cancelled ones included', async () => {
    fake.upsertMany([order(6001, day(6)), order(6002, day(6), { cancelled: true })]);
    const { orders, malformed } = await adapter.fetchOrders(conn, ['6001', '6002', '6999']);
    expect(orders.map((o) => [o.externalId, o.cancelled])).toEqual([['6001', false], ['6002', true]]);
    expect(malformed).toEqual([]);
    expect(fake.requests.at(-1)!.query).toMatchObject({ ids: '6001,6002,6999', status: 'any' });
  });
});

describe('failures', () => {
  const w = windowOf(day(7), day(8));

  it('429 is rate_limited with Retry-After', async () => {
    fake.faults.rateLimitNext(1, 3);
    const err = await rejection(adapter.pullOrders(conn, w, null));
    expect(err.kind).toBe('rate_limited');
    expect(err.opts.retryAfterMs).toBe(3000);
    await expect(adapter.pullOrders(conn, w, null)).resolves.toMatchObject({ next: null });
  });

  it('a 5xx is unavailable and retryable', async () => {
    fake.faults.failNext(1, 503);
    const err = await rejection(adapter.pullOrders(conn, w, null));
    expect([err.kind, err.opts.status, err.retryable]).toEqual(['unavailable', 503, true]);
  });

  it('no answer within the timeout is timeout', async () => {
    fake.faults.hangNext(1);
    const err = await rejection(adapter.pullOrders({ ...conn, timeoutMs: 300 }, w, null));
    expect(err.kind).toBe('timeout');
  });

  it('a wrong access token is auth, and the fake saw it fail', async () => {
    const err = await rejection(adapter.pullOrders({ ...conn, credentials: { ...conn.credentials, accessToken: 'shpat_wrong' } }, w, null));
    expect(err.kind).toBe('auth');
    expect(fake.requests.at(-1)).toMatchObject({ authOk: false, status: 401 });
  });
});

describe('webhooks', () => {
  const request = (hook: { headers: Record<string, string>; body: Buffer; query: Record<string, string> }) => ({ headers: hook.headers, rawBody: hook.body, query: hook.query });

  it('verifies the HMAC and reads the order', () => {
    fake.upsert(order(8001, day(9), { paid: false }));
    const hook = fake.webhook('8001', 'orders/create');
    const result = adapter.parseWebhook(conn, request(hook));
    expect(result).toMatchObject({ kind: 'orders', topic: 'orders/create', deliveryId: hook.headers['X-Shopify-Webhook-Id'], malformed: [] });
    expect(result.kind === 'orders' && result.orders.map((o) => [o.externalId, o.paid])).toEqual([['8001', false]]);
  });

  it('refuses a tampered body, a wrong secret and a missing signature', () => {
    fake.upsert(order(8002, day(9)));
    const hook = fake.webhook('8002');
    const tampered = { ...hook, body: Buffer.from(hook.body.toString('utf8').replace('"quantity":1', '"quantity":9')) };
    expect(tampered.body.equals(hook.body)).toBe(false);
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err instanceof WebhookRejected ? err.code : err;
      }
      return 'accepted';
    };
    expect(code(() => adapter.parseWebhook(conn, request(tampered)))).toBe('INVALID_SIGNATURE');
    expect(code(() => adapter.parseWebhook({ ...conn, credentials: { ...conn.credentials, apiSecret: 'another-app' } }, request(hook)))).toBe('INVALID_SIGNATURE');
    const { 'X-Shopify-Hmac-Sha256': _, ...unsigned } = hook.headers;
    expect(code(() => adapter.parseWebhook(conn, request({ ...hook, headers: unsigned })))).toBe('INVALID_SIGNATURE');
    expect(code(() => adapter.parseWebhook(conn, request(hook)))).toBe('accepted');
  });

  it('ignores topics that are not about orders', () => {
    fake.upsert(order(8003, day(9)));
    expect(adapter.parseWebhook(conn, request(fake.webhook('8003', 'products/update')))).toMatchObject({ kind: 'ignore', topic: 'products/update' });
  });
});

describe('fulfillment write-back', () => {
  it('fulfils the whole order with tracking info, once even when retried', async () => {
    fake.upsert(order(9001, day(10), { lines: [{ sku: 'A', qty: 2 }, { sku: 'B', qty: 1 }] }));
    const shipment = { externalId: '9001', carrierCode: 'sf', carrierName: 'SF Express', trackingNo: 'SF1234567890', externalLineIds: null };
    await adapter.writeBackShipment(conn, shipment);
    expect(fake.shipments.filter((s) => s.orderId === '9001')).toEqual([{ orderId: '9001', trackingNo: 'SF1234567890', carrier: 'SF Express', lineIds: null }]);
    // a retry after a lost answer finds its own fulfillment and does not fail
    await adapter.writeBackShipment(conn, shipment);
    expect(fake.shipments.filter((s) => s.orderId === '9001')).toHaveLength(1);
    const [after] = (await adapter.fetchOrders(conn, ['9001'])).orders;
    expect(after.platformStatus).toBe('paid/fulfilled');
  });

  it('fulfils only the lines named, then the rest', async () => {
    fake.upsert(order(9002, day(10), { lines: [{ sku: 'A', qty: 2 }, { sku: 'B', qty: 1 }] }));
    const [o] = (await adapter.fetchOrders(conn, ['9002'])).orders;
    const [a, b] = o.lines.map((l) => l.externalLineId);
    await adapter.writeBackShipment(conn, { externalId: '9002', carrierCode: 'zto', carrierName: 'ZTO Express', trackingNo: 'ZT1', externalLineIds: [a] });
    await adapter.writeBackShipment(conn, { externalId: '9002', carrierCode: 'zto', carrierName: 'ZTO Express', trackingNo: 'ZT2', externalLineIds: [b] });
    expect(fake.shipments.filter((s) => s.orderId === '9002').map((s) => [s.trackingNo, s.lineIds])).toEqual([['ZT1', [a]], ['ZT2', [b]]]);
  });

  it('an order fulfilled with another tracking number (by the seller in Shopify) counts as already shipped', async () => {
    fake.upsert(order(9003, day(10)));
    await adapter.writeBackShipment(conn, { externalId: '9003', carrierCode: 'sf', carrierName: 'SF Express', trackingNo: 'SF1', externalLineIds: null });
    const again = await adapter.writeBackShipment(conn, { externalId: '9003', carrierCode: 'yto', carrierName: 'YTO Express', trackingNo: 'YT9', externalLineIds: null });
    expect(again).toEqual({ outcome: 'already_shipped', detail: expect.stringContaining('already fulfilled in Shopify with SF1') });
    expect(fake.shipments.filter((s) => s.orderId === '9003')).toHaveLength(1);
  });

  it("Shopify's own 422 for a closed fulfillment order (a lagging read) is checked against the fulfillments", async () => {
    fake.upsert(order(9004, day(10)));
    await adapter.writeBackShipment(conn, { externalId: '9004', carrierCode: 'sf', carrierName: 'SF Express', trackingNo: 'SF2', externalLineIds: null });
    fake.staleFulfillmentOrders = true;
    try {
      const res = await adapter.writeBackShipment(conn, { externalId: '9004', carrierCode: 'sf', carrierName: 'SF Express', trackingNo: 'SF3', externalLineIds: null });
      expect(res).toEqual({ outcome: 'already_shipped', detail: expect.stringContaining('SF2') });
      expect(fake.requests.some((r) => r.method === 'POST' && r.status === 422)).toBe(true);
    } finally {
      fake.staleFulfillmentOrders = false;
    }
  });

  it('a cancelled order is refused; an expired token fails as auth with Shopify\'s words', async () => {
    fake.upsert(order(9005, day(10), { cancelled: true }));
    const cancelled = await rejection(adapter.writeBackShipment(conn, { externalId: '9005', carrierCode: 'sf', carrierName: 'SF Express', trackingNo: 'SF5', externalLineIds: null }));
    expect(cancelled.kind).toBe('rejected');
    expect(cancelled.message).toMatch(/nothing left to fulfil.*cancelled/);
    fake.upsert(order(9006, day(10)));
    fake.writeBackFault('token_expired', 1);
    const expired = await rejection(adapter.writeBackShipment(conn, { externalId: '9006', carrierCode: 'sf', carrierName: 'SF Express', trackingNo: 'SF6', externalLineIds: null }));
    expect([expired.kind, expired.opts.status]).toEqual(['auth', 401]);
    expect(expired.message).toContain('Invalid API key or access token');
  });

  it('our carriers go by the names Shopify links; others by their own name', async () => {
    fake.upsert(order(9007, day(10)));
    fake.upsert(order(9008, day(10)));
    await adapter.writeBackShipment(conn, { externalId: '9007', carrierCode: 'ZTO', carrierName: '中通快递', trackingNo: 'ZT7', externalLineIds: null });
    await adapter.writeBackShipment(conn, { externalId: '9008', carrierCode: 'LC01', carrierName: '乡镇配送', carrierAdapter: 'local', trackingNo: 'LC8', externalLineIds: null });
    expect(fake.shipments.filter((s) => s.orderId === '9007' || s.orderId === '9008').map((s) => s.carrier)).toEqual(['ZTO Express', '乡镇配送']);
  });

  it('an unknown order is rejected', async () => {
    const err = await rejection(adapter.writeBackShipment(conn, { externalId: '9999999', carrierCode: 'sf', carrierName: 'SF Express', trackingNo: 'SF4', externalLineIds: null }));
    expect([err.kind, err.opts.status]).toEqual(['rejected', 404]);
  });
});
