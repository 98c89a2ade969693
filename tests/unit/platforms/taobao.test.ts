/**
 * The Taobao (TOP) adapter against the fake TOP router over loopback: signing, paging, China-time
 * windows, mapping, TOP's error envelope and flow control, TMC-style webhooks and the shipment
 * write-back.
 */
import crypto from 'node:crypto';
import { parseChinaTime, readTrade, taobaoAdapter, toChinaTime, topSign, yuanToFen } from '../../../integrations/platforms/taobao';
import { PlatformError, WebhookRejected, type PlatformConnection, type PlatformOrder, type PullWindow } from '../../../integrations/platforms/types';
import { startFakeTaobao } from '../../helpers/fakes/taobao';
import type { FakePlatform, FakeWebhook } from '../../helpers/fakes/types';

let fake: FakePlatform;
let conn: PlatformConnection;

beforeAll(async () => {
  fake = await startFakeTaobao();
  conn = { storeId: 1, baseUrl: fake.baseUrl, credentials: fake.credentials, timeoutMs: 5000 };
});
afterAll(async () => {
  await fake.close();
});

/** A moment given as China wall time. */
const cn = (s: string) => new Date(s.replace(' ', 'T') + '+08:00');
const day = (s: string): PullWindow => ({ from: cn(`${s} 00:00:00`), to: new Date(cn(`${s} 00:00:00`).getTime() + 86_400_000) });

async function pullAll(c: PlatformConnection, window: PullWindow) {
  const orders: PlatformOrder[] = [];
  const malformed: Array<{ externalId: string | null; reason: string }> = [];
  let token: string | null = null;
  let pages = 0;
  do {
    const page = await taobaoAdapter.pullOrders(c, window, token);
    orders.push(...page.orders);
    malformed.push(...page.malformed);
    token = page.next;
    pages++;
  } while (token !== null && pages < 50);
  return { orders, malformed, pages };
}

async function failure(p: Promise<unknown>): Promise<PlatformError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(PlatformError);
  return err as PlatformError;
}

function rejection(fn: () => unknown): WebhookRejected {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookRejected);
    return err as WebhookRejected;
  }
  throw new Error('the webhook was accepted');
}

const asRequest = (w: FakeWebhook) => ({ headers: w.headers, rawBody: w.body, query: w.query });
const fields = (w: FakeWebhook) => Object.fromEntries(new URLSearchParams(w.body.toString('utf8')));
/** TOP's md5 signature, spelled out here apart from the adapter's and the fake's. */
const md5Sign = (p: Record<string, string>, secret: string) =>
  crypto
    .createHash('md5')
    .update(secret + Object.keys(p).filter((k) => k !== 'sign').sort().map((k) => k + p[k]).join('') + secret, 'utf8')
    .digest('hex')
    .toUpperCase();
const resigned = (p: Record<string, string>, secret: string): FakeWebhook => {
  const q = { ...p, sign_method: 'md5' };
  return { headers: {}, body: Buffer.from(new URLSearchParams({ ...q, sign: md5Sign(q, secret) }).toString()), query: {} };
};

describe('signature (TOP API调用协议)', () => {
  // The protocol page's own example: foo=1, bar=2, foo_bar=3, foobar=4 → "bar2foo1foo_bar3foobar4".
  const params = { foo: '1', bar: '2', foo_bar: '3', foobar: '4', sign: 'IGNORED', empty: '' };
  test('md5: MD5(secret + sorted name+value + secret), upper-case hex', () => {
    expect(topSign(params, 'helloworld', 'md5')).toBe('5AAF1C690262A24768F5478B084C2C8A');
    expect(topSign(params, 'helloworld', 'md5')).toBe(crypto.createHash('md5').update('helloworldbar2foo1foo_bar3foobar4helloworld').digest('hex').toUpperCase());
  });
  test('hmac: HMAC-MD5 keyed with the secret; hmac-sha256 likewise', () => {
    expect(topSign(params, 'helloworld', 'hmac')).toBe('E687005F819D6F9E6ED085311C8ACC75');
    expect(topSign(params, 'helloworld', 'hmac-sha256')).toBe(crypto.createHmac('sha256', 'helloworld').update('bar2foo1foo_bar3foobar4').digest('hex').toUpperCase());
  });
  test('values are signed as UTF-8 text, before any URL encoding', () => {
    const p = { method: 'taobao.trade.fullinfo.get', timestamp: '2016-01-01 12:00:00', buyer_nick: '张三' };
    const want = crypto.createHash('md5').update('s' + 'buyer_nick张三methodtaobao.trade.fullinfo.gettimestamp2016-01-01 12:00:00' + 's', 'utf8').digest('hex').toUpperCase();
    expect(topSign(p, 's', 'md5')).toBe(want);
  });
  test('the adapter signs every call so that the fake verifies it', async () => {
    await taobaoAdapter.pullOrders(conn, day('2023-01-01'), null);
    const last = fake.requests[fake.requests.length - 1];
    expect(last.authOk).toBe(true);
    expect(last.query).toMatchObject({ method: 'taobao.trades.sold.increment.get', app_key: fake.credentials.appKey, format: 'json', v: '2.0', sign_method: 'hmac-sha256' });
    expect(last.query.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(Math.abs(parseChinaTime(last.query.timestamp)!.getTime() - Date.now())).toBeLessThan(5000);
  });
});

describe('China time and money', () => {
  test('TOP times are UTC+8 wall time without an offset, both ways', () => {
    expect(toChinaTime(new Date('2024-03-10T15:59:59Z'))).toBe('2024-03-10 23:59:59');
    expect(toChinaTime(new Date('2024-03-10T16:00:00Z'))).toBe('2024-03-11 00:00:00');
    expect(parseChinaTime('2024-03-11 00:00:00')!.toISOString()).toBe('2024-03-10T16:00:00.000Z');
    expect(parseChinaTime('2024-02-30 00:00:00')).toBeNull();
    expect(parseChinaTime('2024-03-11T00:00:00')).toBeNull();
  });
  test('yuan strings to integer fen', () => {
    expect(yuanToFen('12.50')).toBe(1250);
    expect(yuanToFen('12.5')).toBe(1250);
    expect(yuanToFen('200.07')).toBe(20007);
    expect(yuanToFen('0.01')).toBe(1);
    expect(yuanToFen('8')).toBe(800);
    expect(yuanToFen('1.005')).toBeNull();
    expect(yuanToFen('十二')).toBeNull();
  });
});

describe('pulling changed trades', () => {
  test('three pages of 100: every trade exactly once; repeated across pages when TOP repeats them', async () => {
    const base = cn('2024-01-05 08:00:00').getTime();
    const specs = Array.from({ length: 250 }, (_, i) => ({ id: String(910_000 + i), updatedAt: new Date(base + i * 60_000), lines: [{ sku: `SKU-${i}`, qty: 1 }] }));
    fake.upsertMany(specs);
    const { orders, pages } = await pullAll(conn, day('2024-01-05'));
    expect(pages).toBe(3);
    expect(orders).toHaveLength(250);
    expect(new Set(orders.map((o) => o.externalId))).toEqual(new Set(specs.map((s) => s.id)));
    const listCalls = fake.requests.filter((r) => r.query.start_modified === '2024-01-05 00:00:00');
    expect(listCalls.map((r) => r.query.page_no)).toEqual(['1', '2', '3']);
    expect(listCalls.every((r) => r.query.page_size === '100' && r.query.use_has_next === 'true')).toBe(true);

    fake.faults.duplicateAcrossPages = true;
    try {
      const again = await pullAll(conn, day('2024-01-05'));
      expect(again.orders).toHaveLength(252);
      expect(new Set(again.orders.map((o) => o.externalId)).size).toBe(250);
    } finally {
      fake.faults.duplicateAcrossPages = false;
    }
  });

  test('windows are sent and kept in China time: 23:59:59 belongs to its own day, 00:00:00 to the next', async () => {
    fake.upsert({ id: '920001', updatedAt: cn('2024-03-10 23:59:59'), lines: [{ sku: 'A', qty: 1 }] });
    fake.upsert({ id: '920002', updatedAt: cn('2024-03-11 00:00:00'), lines: [{ sku: 'A', qty: 1 }] });
    fake.upsert({ id: '920003', updatedAt: cn('2024-03-09 23:59:59'), lines: [{ sku: 'A', qty: 1 }] });

    const tenth = await pullAll(conn, day('2024-03-10'));
    expect(tenth.orders.map((o) => o.externalId)).toEqual(['920001']);
    expect(tenth.orders[0].updatedAt).toBe('2024-03-10T23:59:59+08:00');
    expect(Date.parse(tenth.orders[0].updatedAt)).toBe(Date.parse('2024-03-10T15:59:59Z'));
    const sent = fake.requests.filter((r) => r.query.start_modified === '2024-03-10 00:00:00');
    expect(sent).toHaveLength(1);
    expect(sent[0].query.end_modified).toBe('2024-03-11 00:00:00');

    const eleventh = await pullAll(conn, day('2024-03-11'));
    expect(eleventh.orders.map((o) => o.externalId)).toEqual(['920002']);
    // A window that is not whole seconds still finds what lies inside it, and only that.
    const narrow = await pullAll(conn, { from: new Date(cn('2024-03-10 23:59:58').getTime() + 500), to: new Date(cn('2024-03-11 00:00:00').getTime() + 1) });
    expect(narrow.orders.map((o) => o.externalId).sort()).toEqual(['920001', '920002']);
  });

  test('the one-day limit: the adapter refuses longer windows, and so does the fake router', async () => {
    expect(taobaoAdapter.maxWindowMs).toBe(86_400_000);
    expect(taobaoAdapter.pageSize).toBe(100);
    const longer = { from: cn('2024-03-10 00:00:00'), to: cn('2024-03-11 00:00:01') };
    expect((await failure(taobaoAdapter.pullOrders(conn, longer, null))).kind).toBe('rejected');
    // A full day that does not start on a whole second must still fit TOP's limit once rounded.
    const from = new Date(cn('2024-03-10 12:00:00').getTime() + 250);
    await expect(taobaoAdapter.pullOrders(conn, { from, to: new Date(from.getTime() + 86_400_000) }, null)).resolves.toMatchObject({ next: null });

    const p: Record<string, string> = {
      method: 'taobao.trades.sold.increment.get',
      app_key: fake.credentials.appKey,
      session: fake.credentials.session,
      timestamp: toChinaTime(new Date()),
      format: 'json',
      v: '2.0',
      sign_method: 'md5',
      fields: 'tid',
      start_modified: '2024-03-10 00:00:00',
      end_modified: '2024-03-11 00:00:01',
    };
    p.sign = md5Sign(p, fake.credentials.appSecret);
    const res = await fetch(`${fake.baseUrl}/router/rest`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(p).toString() });
    const body = (await res.json()) as any;
    expect(res.status).toBe(200);
    expect(body.error_response.sub_code).toBe('isv.invalid-parameter');
    expect(fake.requests[fake.requests.length - 1].authOk).toBe(true);
  });

  test('a malformed trade is reported and the rest of the page kept', async () => {
    fake.upsert({ id: '930001', updatedAt: cn('2024-04-02 10:00:00'), lines: [{ sku: 'A', qty: 2 }] });
    fake.upsert({ id: '930002', updatedAt: cn('2024-04-02 10:00:01'), lines: [{ sku: 'B', qty: 2 }], malformed: true });
    fake.upsert({ id: '930003', updatedAt: cn('2024-04-02 10:00:02'), lines: [{ sku: 'C', qty: 1 }] });
    const { orders, malformed } = await pullAll(conn, day('2024-04-02'));
    expect(orders.map((o) => o.externalId).sort()).toEqual(['930001', '930003']);
    expect(malformed).toHaveLength(1);
    expect(malformed[0].externalId).toBe('930002');
    expect(malformed[0].reason).toMatch(/quantity/);
  });
});

describe('mapping a trade', () => {
  test('paid, unpaid, closed before and after payment', async () => {
    const lines = [{ sku: 'A', qty: 1 }];
    fake.upsert({ id: '940001', lines });
    fake.upsert({ id: '940002', paid: false, lines });
    fake.upsert({ id: '940003', cancelled: true, lines });
    fake.upsert({ id: '940004', paid: false, cancelled: true, lines });
    const { orders, malformed } = await taobaoAdapter.fetchOrders(conn, ['940001', '940002', '940003', '940004']);
    expect(malformed).toEqual([]);
    const seen = orders.map((o) => [o.externalId, o.platformStatus, o.paid, o.cancelled]);
    expect(seen).toEqual([
      ['940001', 'WAIT_SELLER_SEND_GOODS', true, false],
      ['940002', 'WAIT_BUYER_PAY', false, false],
      ['940003', 'TRADE_CLOSED', true, true],
      ['940004', 'TRADE_CLOSED_BY_TAOBAO', false, true],
    ]);
    expect(fake.requests[fake.requests.length - 1].query).toMatchObject({ method: 'taobao.trade.fullinfo.get', tid: '940004' });
  });

  test('money in fen, listing codes, Chinese text and 19-digit tids survive the trip', async () => {
    const tid = '3688329051234567891'; // beyond 2^53: TOP writes it as a JSON number
    fake.upsert({
      id: tid,
      createdAt: cn('2024-05-01 09:30:00'),
      updatedAt: cn('2024-05-01 09:31:05'),
      receiver: { name: '王小明', phone: '13912345678', province: '江西省', city: '赣州市', district: '信丰县', address: '嘉定镇 脐橙大道 8 号「东门」' },
      lines: [
        { sku: 'GNQC-5KG', variantId: '5937146001', qty: 2, priceFen: 1250, title: '赣南脐橙 5斤装 🍊' },
        { sku: 'GIFT-BOX', qty: 1, priceFen: 1 },
        { sku: null, qty: 3, priceFen: 999 },
      ],
    });
    const { orders } = await taobaoAdapter.fetchOrders(conn, [tid]);
    expect(orders).toHaveLength(1);
    const o = orders[0];
    expect(o.externalId).toBe(tid);
    expect(o.createdAt).toBe('2024-05-01T09:30:00+08:00');
    expect(o.updatedAt).toBe('2024-05-01T09:31:05+08:00');
    expect(o.totalFen).toBe(2 * 1250 + 1 + 3 * 999);
    expect(o.currency).toBe('CNY');
    expect(o.receiver).toEqual({ name: '王小明', phone: '13912345678', province: '江西省', city: '赣州市', district: '信丰县', address: '嘉定镇 脐橙大道 8 号「东门」', postcode: '310000' });
    expect(o.lines.map((l) => l.externalLineId)).toEqual([`${tid}01`, `${tid}02`, `${tid}03`]);
    expect(o.lines[0]).toMatchObject({ listingCode: 'GNQC-5KG', variantId: '5937146001', title: '赣南脐橙 5斤装 🍊', qty: 2, priceFen: 1250 });
    expect(o.lines[1]).toMatchObject({ listingCode: 'GIFT-BOX', qty: 1, priceFen: 1 });
    expect(o.lines[1].variantId).toMatch(/^\d+$/); // num_iid when the item has no SKU
    expect(o.lines[2]).toMatchObject({ listingCode: null, qty: 3, priceFen: 999 });
  });

  test('refunded or closed lines are left out; a trade with nothing left counts as cancelled; city-less counties', () => {
    const order = (oid: number, extra: object) => ({ oid, num_iid: 1, num: 1, price: '5.00', title: 't', ...extra });
    const r = readTrade({
      tid: '950001',
      status: 'WAIT_SELLER_SEND_GOODS',
      modified: '2024-06-01 12:00:00',
      pay_time: '2024-06-01 11:00:00',
      payment: '10.00',
      receiver_state: '河南省',
      receiver_district: '济源市',
      receiver_town: '沁园街道',
      receiver_address: '沁园街道 天坛路 1 号',
      orders: { order: [order(1, { refund_status: 'SUCCESS' }), order(2, { refund_status: 'WAIT_SELLER_AGREE' }), order(3, { status: 'TRADE_CLOSED_BY_TAOBAO' })] },
    });
    if (!r.ok) throw new Error(r.bad.reason);
    expect(r.order.lines.map((l) => l.externalLineId)).toEqual(['2']);
    expect(r.order.cancelled).toBe(false);
    expect(r.order.receiver).toMatchObject({ province: '河南省', city: '济源市', district: null, address: '沁园街道 天坛路 1 号' });

    const none = readTrade({ tid: '950002', status: 'WAIT_SELLER_SEND_GOODS', modified: '2024-06-01 12:00:00', orders: { order: [order(4, { refund_status: 'SUCCESS' })] } });
    expect(none.ok && none.order.cancelled).toBe(true);
    expect(readTrade({ tid: '950003', status: 'PAID_FORBID_CONSIGN', modified: '2024-06-01 12:00:00', orders: { order: [order(5, {})] } })).toMatchObject({ ok: true, order: { paid: false } });
    expect(readTrade({ status: 'WAIT_SELLER_SEND_GOODS', modified: '2024-06-01 12:00:00', orders: { order: [order(6, {})] } })).toMatchObject({ ok: false, bad: { externalId: null } });
    expect(readTrade({ tid: 950004, status: 'WAIT_SELLER_SEND_GOODS', modified: '2024-06-01 12:00:00' })).toMatchObject({ ok: false, bad: { externalId: '950004' } });
  });

  test('a tid TOP does not know is reported, not thrown', async () => {
    const { orders, malformed } = await taobaoAdapter.fetchOrders(conn, ['999999999']);
    expect(orders).toEqual([]);
    expect(malformed).toEqual([{ externalId: '999999999', reason: expect.stringContaining('交易不存在') }]);
  });
});

describe('errors', () => {
  const window = day('2024-07-01');

  test('code 7 App Call Limited (HTTP 200) → rate_limited, retryAfterMs from "This ban will last for N more seconds"', async () => {
    fake.faults.rateLimitNext(1, 37);
    const err = await failure(taobaoAdapter.pullOrders(conn, window, null));
    expect(err.kind).toBe('rate_limited');
    expect(err.retryable).toBe(true);
    expect(err.opts.retryAfterMs).toBe(37_000);
    expect(err.opts.platformCode).toBe('accesscontrol.limited-by-app-access-count');
    expect(fake.requests[fake.requests.length - 1].status).toBe(200);
    await expect(taobaoAdapter.pullOrders(conn, window, null)).resolves.toMatchObject({ next: null });
  });

  test('HTTP 500 → unavailable', async () => {
    fake.faults.failNext(1, 500);
    const err = await failure(taobaoAdapter.pullOrders(conn, window, null));
    expect(err.kind).toBe('unavailable');
    expect(err.opts.status).toBe(500);
  });

  test('no answer → timeout', async () => {
    fake.faults.hangNext(1);
    const started = Date.now();
    const err = await failure(taobaoAdapter.pullOrders({ ...conn, timeoutMs: 300 }, window, null));
    expect(err.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test('a wrong app secret → auth (code 25), and the fake saw a bad signature', async () => {
    const err = await failure(taobaoAdapter.pullOrders({ ...conn, credentials: { ...conn.credentials, appSecret: 'not-the-secret' } }, window, null));
    expect(err.kind).toBe('auth');
    expect(err.opts.platformCode).toBe('25');
    expect(fake.requests[fake.requests.length - 1].authOk).toBe(false);
  });

  test('a wrong session → auth (code 27)', async () => {
    const err = await failure(taobaoAdapter.fetchOrders({ ...conn, credentials: { ...conn.credentials, session: 'expired' } }, ['940001']));
    expect(err.kind).toBe('auth');
    expect(fake.requests[fake.requests.length - 1].authOk).toBe(false);
  });
});

describe('webhooks (TMC messages over HTTP, signed like a TOP call)', () => {
  beforeAll(() => fake.upsert({ id: '960001', lines: [{ sku: 'A', qty: 1 }] }));

  test('a signed trade message → fetch that tid; fetchOrders then returns the trade', async () => {
    const w = fake.webhook('960001', 'taobao_trade_TradeBuyerPay');
    const result = taobaoAdapter.parseWebhook(conn, asRequest(w));
    expect(result).toEqual({ kind: 'fetch', deliveryId: fields(w).id, topic: 'taobao_trade_TradeBuyerPay', externalIds: ['960001'] });
    expect(fake.webhook('960001').body.equals(w.body)).toBe(false); // a fresh message id each time
    const { orders } = await taobaoAdapter.fetchOrders(conn, result.kind === 'fetch' ? result.externalIds : []);
    expect(orders.map((o) => o.externalId)).toEqual(['960001']);
  });

  test('topics we do not use are verified, then ignored', () => {
    const w = fake.webhook('960001', 'taobao_trade_TradeRated');
    expect(taobaoAdapter.parseWebhook(conn, asRequest(w))).toEqual({ kind: 'ignore', deliveryId: fields(w).id, topic: 'taobao_trade_TradeRated' });
  });

  test('tampered, forged or unsigned → INVALID_SIGNATURE', () => {
    const p = fields(fake.webhook('960001'));
    const tampered = { ...p, content: p.content.replace('960001', '960002') };
    expect(tampered.content).not.toBe(p.content);
    const asIs = (q: Record<string, string>) => asRequest({ headers: {}, body: Buffer.from(new URLSearchParams(q).toString()), query: {} });
    expect(rejection(() => taobaoAdapter.parseWebhook(conn, asIs(tampered))).code).toBe('INVALID_SIGNATURE');
    expect(rejection(() => taobaoAdapter.parseWebhook(conn, asRequest(resigned(p, 'someone-elses-secret')))).code).toBe('INVALID_SIGNATURE');
    const { sign: _sign, ...unsigned } = p;
    expect(rejection(() => taobaoAdapter.parseWebhook(conn, asIs(unsigned))).code).toBe('INVALID_SIGNATURE');
    // correctly re-signed with our secret, the same fields are accepted (so the rejections above are about the signature)
    expect(taobaoAdapter.parseWebhook(conn, asRequest(resigned(p, fake.credentials.appSecret))).kind).toBe('fetch');
  });

  test('a correctly signed delivery timestamped 11 minutes ago → STALE_WEBHOOK', () => {
    const p = fields(fake.webhook('960001'));
    const old = resigned({ ...p, timestamp: toChinaTime(new Date(Date.now() - 11 * 60_000)) }, fake.credentials.appSecret);
    expect(rejection(() => taobaoAdapter.parseWebhook(conn, asRequest(old))).code).toBe('STALE_WEBHOOK');
    const recent = resigned({ ...p, timestamp: toChinaTime(new Date(Date.now() - 9 * 60_000)) }, fake.credentials.appSecret);
    expect(taobaoAdapter.parseWebhook(conn, asRequest(recent)).kind).toBe('fetch');
  });
});

describe('shipment write-back (taobao.logistics.offline.send)', () => {
  test('the whole trade ships once; a second send, refused by TOP (B04), counts as already shipped', async () => {
    fake.upsert({ id: '970001', lines: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 1 }] });
    const first = await taobaoAdapter.writeBackShipment(conn, { externalId: '970001', carrierCode: 'ZTO', carrierName: '中通快递', trackingNo: '75312345678901', externalLineIds: null });
    expect(first).toEqual({ outcome: 'shipped' });
    expect(fake.shipments).toContainEqual({ orderId: '970001', trackingNo: '75312345678901', carrier: 'ZTO', lineIds: null });
    const again = await taobaoAdapter.writeBackShipment(conn, { externalId: '970001', carrierCode: 'ZTO', carrierName: '中通快递', trackingNo: '75312345678902', externalLineIds: null });
    expect(again).toEqual({ outcome: 'already_shipped', detail: expect.stringMatching(/WAIT_BUYER_CONFIRM_GOODS.*不能重复发货/) });
    expect(fake.shipments.filter((s) => s.orderId === '970001')).toHaveLength(1);
    const { orders } = await taobaoAdapter.fetchOrders(conn, ['970001']);
    expect(orders[0].platformStatus).toBe('WAIT_BUYER_CONFIRM_GOODS');
  });

  test('a closed trade is refused with TOP\'s words (B04 is "shipped or closed": the trade tells which)', async () => {
    fake.upsert({ id: '970004', cancelled: true, lines: [{ sku: 'A', qty: 1 }] });
    const err = await failure(taobaoAdapter.writeBackShipment(conn, { externalId: '970004', carrierCode: 'SF', carrierName: '顺丰速运', trackingNo: 'SF1000000000009', externalLineIds: null }));
    expect([err.kind, err.opts.platformCode]).toEqual(['rejected', 'isv.logistics-offline-service-error:B04']);
    expect(err.message).toMatch(/已关闭/);
  });

  test('our carriers go by TOP company codes; an unknown one as OTHER', async () => {
    fake.upsert({ id: '970005', lines: [{ sku: 'A', qty: 1 }] });
    fake.upsert({ id: '970006', lines: [{ sku: 'A', qty: 1 }] });
    await taobaoAdapter.writeBackShipment(conn, { externalId: '970005', carrierCode: 'chinapost', carrierName: '中国邮政', trackingNo: '9890000000001', externalLineIds: null });
    await taobaoAdapter.writeBackShipment(conn, { externalId: '970006', carrierCode: 'LC01', carrierName: '乡镇配送', carrierAdapter: 'local', trackingNo: 'LC0001', externalLineIds: null });
    expect(fake.shipments.filter((s) => s.orderId === '970005' || s.orderId === '970006').map((s) => s.carrier)).toEqual(['POSTB', 'OTHER']);
  });

  test('an expired session is an auth failure with TOP\'s words', async () => {
    fake.upsert({ id: '970007', lines: [{ sku: 'A', qty: 1 }] });
    fake.writeBackFault('token_expired', 1);
    const err = await failure(taobaoAdapter.writeBackShipment(conn, { externalId: '970007', carrierCode: 'SF', carrierName: '顺丰速运', trackingNo: 'SF1000000000010', externalLineIds: null }));
    expect([err.kind, err.retryable]).toEqual(['auth', false]);
    expect(err.message).toContain('Invalid session');
  });

  test('split parcels name their lines in sub_tid', async () => {
    fake.upsert({ id: '970002', lines: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 1 }] });
    await taobaoAdapter.writeBackShipment(conn, { externalId: '970002', carrierCode: 'SF', carrierName: '顺丰速运', trackingNo: 'SF1000000000001', externalLineIds: ['97000201'] });
    const sent = fake.requests[fake.requests.length - 1].query;
    expect(sent).toMatchObject({ method: 'taobao.logistics.offline.send', is_split: '1', sub_tid: '97000201', company_code: 'SF' });
    expect((await taobaoAdapter.fetchOrders(conn, ['970002'])).orders[0].platformStatus).toBe('SELLER_CONSIGNED_PART');
    await taobaoAdapter.writeBackShipment(conn, { externalId: '970002', carrierCode: 'SF', carrierName: '顺丰速运', trackingNo: 'SF1000000000002', externalLineIds: ['97000202'] });
    expect(fake.shipments.filter((s) => s.orderId === '970002').map((s) => s.lineIds)).toEqual([['97000201'], ['97000202']]);
    // the first parcel again (a retry whose answer was lost): its line is consigned already
    const third = await taobaoAdapter.writeBackShipment(conn, { externalId: '970002', carrierCode: 'SF', carrierName: '顺丰速运', trackingNo: 'SF1000000000001', externalLineIds: ['97000201'] });
    expect(third.outcome).toBe('already_shipped');
    expect(fake.shipments.filter((s) => s.orderId === '970002')).toHaveLength(2);
  });

  test('an unpaid trade cannot be consigned', async () => {
    fake.upsert({ id: '970003', paid: false, lines: [{ sku: 'A', qty: 1 }] });
    const err = await failure(taobaoAdapter.writeBackShipment(conn, { externalId: '970003', carrierCode: 'YTO', carrierName: '圆通速递', trackingNo: 'YT0000000001', externalLineIds: null }));
    expect(err.kind).toBe('rejected');
    expect(fake.shipments.some((s) => s.orderId === '970003')).toBe(false);
  });
});
