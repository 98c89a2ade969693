/**
 * A fake Taobao Open Platform router (`/router/rest`) on loopback, speaking TOP as documented:
 * form-encoded calls verified with the app secret (md5 / hmac / hmac-sha256, recomputed from the
 * received parameters), 10 minutes of timestamp tolerance, errors as HTTP 200 error_response, and
 * taobao.trades.sold.increment.get (window of at most one day, both ends inclusive, newest first,
 * page_no / page_size <= 100 / has_next), taobao.trade.fullinfo.get and taobao.logistics.offline.send.
 *
 * Trades are kept sorted by modified time; a window is found by binary search, so 100,000 trades
 * are served at benchmark speed. The signature check here is written apart from the adapter's on
 * purpose: a mistake on one side fails the tests instead of agreeing with itself.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeOrderSpec, FakePlatform, FakeShipment, FakeWebhook } from './types';
import { DEFAULT_RECEIVER, faultSwitches, writeBackSwitch } from './order-book';

export interface FakeTaobaoOptions {
  appKey?: string;
  appSecret?: string;
  session?: string;
  /** how webhooks are signed; default hmac-sha256 */
  webhookSignMethod?: 'md5' | 'hmac' | 'hmac-sha256';
}

interface Line {
  oid: string;
  numIid: string;
  skuId: string | null;
  outerIid: string | null;
  outerSkuId: string | null;
  title: string;
  num: number | string;
  priceFen: number;
  consigned: boolean;
}

interface Trade {
  tid: string;
  /** unix seconds: TOP times have whole seconds */
  modified: number;
  created: number;
  paid: boolean;
  cancelled: boolean;
  receiver: NonNullable<FakeOrderSpec['receiver']>;
  lines: Line[];
}

const DAY_S = 24 * 60 * 60;
const SELLER_NICK = '赣南脐橙产地仓';

function sign(params: Record<string, string>, secret: string, method: string): string {
  let s = '';
  for (const k of Object.keys(params).sort()) if (k !== 'sign' && params[k] !== '') s += k + params[k];
  if (method === 'md5') return crypto.createHash('md5').update(secret + s + secret).digest('hex').toUpperCase();
  const algo = method === 'hmac' ? 'md5' : method === 'hmac-sha256' ? 'sha256' : null;
  return algo ? crypto.createHmac(algo, secret).update(s).digest('hex').toUpperCase() : '';
}

function china(sec: number): string {
  return new Date((sec + 8 * 3600) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

function parseChina(v: string | undefined): number | null {
  const m = v ? /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(v) : null;
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000 - 8 * 3600 : null;
}

function yuan(fen: number): string {
  return `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** TOP writes tid / oid / num_iid as JSON numbers, however long. */
function topJson(v: unknown): string {
  return JSON.stringify(v).replace(/"(tid|oid|num_iid)":"(\d+)"/g, '"$1":$2');
}

function numericId(s: string): string {
  return String(500_000_000_000 + (crypto.createHash('md5').update(s).digest().readUInt32BE(0) % 1_000_000_000));
}

function statusOf(t: Trade): string {
  if (t.cancelled) return t.paid ? 'TRADE_CLOSED' : 'TRADE_CLOSED_BY_TAOBAO';
  if (!t.paid) return 'WAIT_BUYER_PAY';
  const shipped = t.lines.filter((l) => l.consigned).length;
  return shipped === 0 ? 'WAIT_SELLER_SEND_GOODS' : shipped === t.lines.length ? 'WAIT_BUYER_CONFIRM_GOODS' : 'SELLER_CONSIGNED_PART';
}

function tradeObject(t: Trade, fields: Set<string> | null): Record<string, unknown> {
  const status = statusOf(t);
  const payment = t.lines.reduce((sum, l) => sum + l.priceFen * (typeof l.num === 'number' ? l.num : 0), 0);
  const all: Record<string, unknown> = {
    tid: t.tid,
    tid_str: t.tid,
    status,
    type: 'fixed',
    seller_nick: SELLER_NICK,
    created: china(t.created),
    modified: china(t.modified),
    pay_time: t.paid ? china(t.created) : undefined,
    payment: yuan(payment),
    total_fee: yuan(payment),
    post_fee: '0.00',
    receiver_name: t.receiver.name,
    receiver_mobile: t.receiver.phone,
    receiver_state: t.receiver.province,
    receiver_city: t.receiver.city,
    receiver_district: t.receiver.district,
    receiver_address: t.receiver.address,
    receiver_zip: '310000',
    orders: {
      order: t.lines.map((l) => ({
        oid: l.oid,
        num_iid: l.numIid,
        sku_id: l.skuId ?? undefined,
        outer_iid: l.outerIid ?? undefined,
        outer_sku_id: l.outerSkuId ?? undefined,
        title: l.title,
        num: l.num,
        price: yuan(l.priceFen),
        payment: yuan(l.priceFen * (typeof l.num === 'number' ? l.num : 0)),
        status: l.consigned ? 'WAIT_BUYER_CONFIRM_GOODS' : status === 'SELLER_CONSIGNED_PART' ? 'WAIT_SELLER_SEND_GOODS' : status,
        refund_status: 'NO_REFUND',
      })),
    },
  };
  if (!fields) return all;
  const picked: Record<string, unknown> = {};
  for (const k of Object.keys(all)) if (fields.has(k)) picked[k] = all[k];
  return picked;
}

export async function startFakeTaobao(opts: FakeTaobaoOptions = {}): Promise<FakePlatform> {
  const creds = { appKey: opts.appKey ?? '23456789', appSecret: opts.appSecret ?? 'fake-taobao-app-secret', session: opts.session ?? '6100e2f1fakeSession0c0ffee' };
  const byTid = new Map<string, Trade>();
  /** ascending by (modified, tid) */
  let sorted: Trade[] = [];
  const requests: FakePlatform['requests'] = [];
  const shipments: FakeShipment[] = [];
  const { pending, faults } = faultSwitches(1);
  const writeBack = writeBackSwitch();
  let messageSeq = 0;

  const before = (a: Trade, b: Trade) => a.modified - b.modified || (a.tid < b.tid ? -1 : a.tid > b.tid ? 1 : 0);
  /** first index whose trade is not before `t` (or, with a number, whose modified is >= sec) */
  function lowerBound(key: Trade | number): number {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const less = typeof key === 'number' ? sorted[mid].modified < key : before(sorted[mid], key) < 0;
      if (less) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  const place = (t: Trade) => sorted.splice(lowerBound(t), 0, t);
  function unplace(t: Trade): void {
    const i = lowerBound(t);
    if (sorted[i] === t) sorted.splice(i, 1);
  }

  function build(spec: FakeOrderSpec): Trade {
    const prev = byTid.get(spec.id);
    const now = Math.floor(Date.now() / 1000);
    const modified = spec.updatedAt ? Math.floor(spec.updatedAt.getTime() / 1000) : Math.max(now, prev ? prev.modified + 1 : 0);
    const consigned = new Set(prev?.lines.filter((l) => l.consigned).map((l) => l.oid));
    const lines: Line[] = spec.lines.map((l, i) => {
      const oid = `${spec.id}${String(i + 1).padStart(2, '0')}`;
      return {
        oid,
        numIid: numericId(l.sku ?? `${spec.id}/${i}`),
        skuId: l.variantId ?? null,
        // An item sold without SKU variants has only the item-level code (outer_iid).
        outerIid: l.variantId ? null : l.sku,
        outerSkuId: l.variantId ? l.sku : null,
        title: l.title ?? `商品 ${l.sku ?? i + 1}`,
        num: spec.malformed && i === 0 ? '两箱' : l.qty,
        priceFen: l.priceFen ?? 1000,
        consigned: consigned.has(oid),
      };
    });
    return {
      tid: spec.id,
      modified,
      created: spec.createdAt ? Math.floor(spec.createdAt.getTime() / 1000) : (prev?.created ?? modified),
      paid: spec.paid ?? true,
      cancelled: spec.cancelled ?? false,
      receiver: spec.receiver ?? DEFAULT_RECEIVER,
      lines,
    };
  }

  function upsert(spec: FakeOrderSpec): void {
    const prev = byTid.get(spec.id);
    const t = build(spec);
    if (prev) unplace(prev);
    byTid.set(t.tid, t);
    place(t);
  }

  function upsertMany(specs: FakeOrderSpec[]): void {
    if (specs.length < 1000) return specs.forEach(upsert);
    for (const s of specs) byTid.set(s.id, build(s));
    sorted = [...byTid.values()].sort(before);
  }

  function touch(t: Trade): void {
    unplace(t);
    t.modified = Math.max(Math.floor(Date.now() / 1000), t.modified + 1);
    place(t);
  }

  const requestId = () => crypto.randomBytes(6).toString('hex');
  const error = (code: number, msg: string, subCode?: string, subMsg?: string) =>
    JSON.stringify({ error_response: { code, msg, sub_code: subCode, sub_msg: subMsg, request_id: requestId() } });
  const answer = (method: string, result: string) =>
    `{"${method.replace(/^taobao\./, '').replace(/\./g, '_')}_response":${result.slice(0, -1)},"request_id":"${requestId()}"}}`;

  function soldIncrement(p: Record<string, string>): string {
    const start = parseChina(p.start_modified);
    const end = parseChina(p.end_modified);
    if (start === null || end === null) return error(40, 'Missing required arguments', 'isv.missing-parameter', 'start_modified 和 end_modified 必须是 yyyy-MM-dd HH:mm:ss');
    if (end <= start) return error(15, 'Remote service error', 'isv.invalid-parameter', '查询修改结束时间必须大于修改开始时间');
    if (end - start > DAY_S) return error(15, 'Remote service error', 'isv.invalid-parameter', '修改时间跨度不能大于一天 (end_modified - start_modified <= 1天)');
    const pageNo = p.page_no ? Number(p.page_no) : 1;
    const size = p.page_size ? Number(p.page_size) : 40;
    if (!Number.isInteger(pageNo) || pageNo < 1 || !Number.isInteger(size) || size < 1 || size > 100) {
      return error(15, 'Remote service error', 'isv.invalid-parameter', 'page_no 须为正整数, page_size 取值范围 1~100');
    }
    const fields = p.fields ? new Set(p.fields.split(',').map((f) => f.trim())) : null;
    // Both ends inclusive; newest first, as TOP documents ("以订单的修改时间倒序排列").
    const lo = lowerBound(start);
    const hi = lowerBound(end + 1) - 1;
    const count = hi - lo + 1;
    const first = (pageNo - 1) * size - (faults.duplicateAcrossPages && pageNo > 1 ? 1 : 0);
    const last = Math.min(pageNo * size, count);
    const trades: string[] = [];
    for (let rank = first; rank < last; rank++) trades.push(topJson(tradeObject(sorted[hi - rank], fields)));
    const hasNext = pageNo * size < count;
    const paging = p.use_has_next === 'true' ? `"has_next":${hasNext}` : `"total_results":${Math.max(count, 0)}`;
    // TOP leaves out an empty list altogether.
    return answer('taobao.trades.sold.increment.get', `{${paging}${trades.length ? `,"trades":{"trade":[${trades.join(',')}]}` : ''}}`);
  }

  function fullinfo(p: Record<string, string>): string {
    const t = byTid.get(p.tid ?? '');
    if (!t) return error(15, 'Remote service error', 'isv.trade-not-exist', '交易不存在');
    const fields = p.fields ? new Set(p.fields.split(',').map((f) => f.trim())) : null;
    return answer('taobao.trade.fullinfo.get', `{"trade":${topJson(tradeObject(t, fields))}}`);
  }

  function offlineSend(p: Record<string, string>): string {
    const t = byTid.get(p.tid ?? '');
    if (!p.out_sid || !p.company_code) return error(40, 'Missing required arguments', 'isv.missing-parameter', 'out_sid, company_code');
    if (!t) return error(15, 'Remote service error', 'isv.logistics-offline-service-error:B01', '订单不存在');
    const subTids = p.sub_tid ? p.sub_tid.split(',') : null;
    const lines = subTids ? t.lines.filter((l) => subTids.includes(l.oid)) : t.lines;
    if (subTids && lines.length !== subTids.length) return error(15, 'Remote service error', 'isv.logistics-offline-service-error:P38', '拆单校验未通过');
    const status = statusOf(t);
    if ((status !== 'WAIT_SELLER_SEND_GOODS' && status !== 'SELLER_CONSIGNED_PART') || lines.some((l) => l.consigned)) {
      return error(15, 'Remote service error', 'isv.logistics-offline-service-error:B04', '订单状态不对该物流订单已经发货或者已关闭，不能重复发货');
    }
    for (const l of lines) l.consigned = true;
    touch(t);
    shipments.push({ orderId: t.tid, trackingNo: p.out_sid, carrier: p.company_code, lineIds: subTids });
    return answer('taobao.logistics.offline.send', '{"shipping":{"is_success":true}}');
  }

  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const params: Record<string, string> = Object.fromEntries(url.searchParams);
      if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
        for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) params[k] = v;
      }
      const entry = { method: req.method ?? '', path: url.pathname, query: params, authOk: false, status: 200 };
      requests.push(entry);
      const send = (status: number, body: string, type = 'application/json;charset=UTF-8') => {
        entry.status = status;
        res.writeHead(status, { 'Content-Type': type }).end(body);
      };
      if (url.pathname !== '/router/rest') return send(404, 'not found', 'text/plain');

      const keyOk = params.app_key === creds.appKey;
      const signOk = keyOk && !!params.sign && sign(params, creds.appSecret, params.sign_method ?? 'md5') === params.sign.toUpperCase();
      const sessionOk = params.session === creds.session;
      entry.authOk = keyOk && signOk && sessionOk;

      if (params.method === 'taobao.trades.sold.increment.get') {
        if (pending.hang > 0) {
          pending.hang--;
          entry.status = 0;
          hanging.add(res);
          return;
        }
        if (pending.fail > 0) {
          pending.fail--;
          return send(pending.failStatus, '<html><body>502 Bad Gateway / 服务暂不可用</body></html>', 'text/html');
        }
        if (pending.rateLimit > 0) {
          pending.rateLimit--;
          return send(200, error(7, 'App Call Limited', 'accesscontrol.limited-by-app-access-count', `This ban will last for ${pending.retryAfter} more seconds`));
        }
      }

      const ts = parseChina(params.timestamp);
      if (!params.method) return send(200, error(21, 'Missing method'));
      if (!params.app_key) return send(200, error(28, 'Missing app key'));
      if (!keyOk) return send(200, error(29, 'Invalid app Key'));
      if (ts === null || Math.abs(Date.now() / 1000 - ts) > 600) return send(200, error(31, 'Invalid timestamp'));
      if (!params.sign) return send(200, error(24, 'Missing signature'));
      if (!signOk) return send(200, error(25, 'Invalid signature'));
      if (!params.session) return send(200, error(27, 'Invalid session', 'session-is-blank', 'session-is-blank'));
      if (!sessionOk) return send(200, error(27, 'Invalid session'));
      if (params.format !== 'json') return send(200, error(23, 'Invalid format', undefined, 'this fake answers format=json only'));

      switch (params.method) {
        case 'taobao.trades.sold.increment.get':
          return send(200, soldIncrement(params));
        case 'taobao.trade.fullinfo.get':
          return send(200, fullinfo(params));
        case 'taobao.logistics.offline.send': {
          const fault = writeBack.take();
          // an expired or revoked seller authorisation: TOP's 27 Invalid session
          if (fault === 'token_expired') return send(200, error(27, 'Invalid session', 'invalid-sessionkey', 'SessionKey非法或已过期，请卖家重新授权'));
          if (fault === 'server_error') return send(500, '<html><body>500 Internal Server Error</body></html>', 'text/html');
          if (fault === 'already_shipped') {
            // the seller consigned it by hand in 千牛 before our call
            const t = byTid.get(params.tid ?? '');
            if (t && statusOf(t) === 'WAIT_SELLER_SEND_GOODS') {
              for (const l of t.lines) l.consigned = true;
              touch(t);
            }
          }
          return send(200, offlineSend(params));
        }
        default:
          return send(200, error(22, 'Invalid method'));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;


  return {
    platform: 'taobao',
    baseUrl: `http://127.0.0.1:${port}`,
    credentials: creds,
    upsert,
    upsertMany,
    faults,
    requests,
    shipments,
    writeBackFault(fault, n) {
      writeBack.set(fault, n);
    },
    webhook(orderId, topic = 'taobao_trade_TradeChanged'): FakeWebhook {
      const t = byTid.get(orderId);
      const now = Math.floor(Date.now() / 1000);
      const content = topJson({
        buyer_nick: 't**1',
        payment: t ? (tradeObject(t, new Set(['payment'])).payment as string) : '0.00',
        oid: orderId,
        tid: orderId,
        type: 'fixed',
        seller_nick: SELLER_NICK,
        status: t ? statusOf(t) : 'WAIT_SELLER_SEND_GOODS',
      });
      const method = opts.webhookSignMethod ?? 'hmac-sha256';
      const params: Record<string, string> = {
        app_key: creds.appKey,
        id: `${now}${String(++messageSeq).padStart(6, '0')}`,
        topic,
        pub_time: china(now),
        user_id: '2200000000001',
        user_nick: SELLER_NICK,
        content,
        timestamp: china(now),
        sign_method: method,
      };
      params.sign = sign(params, creds.appSecret, method);
      return {
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
        body: Buffer.from(new URLSearchParams(params).toString(), 'utf8'),
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
