/**
 * Taobao / Tmall through the Taobao Open Platform (TOP, 淘宝开放平台) REST router.
 *
 * Calls (TOP "API调用协议"): a POST of form fields to `<baseUrl>/router/rest` with the system
 * parameters method, app_key, session, timestamp ('yyyy-MM-dd HH:mm:ss', GMT+8; the router allows
 * 10 minutes of clock difference), format=json, v=2.0, sign_method and sign. The sign covers every
 * parameter but `sign` (and empty ones): sorted by name in ASCII order, name+value concatenated,
 * UTF-8, then md5: MD5(secret + s + secret); hmac: HMAC-MD5 keyed with the secret; hmac-sha256:
 * HMAC-SHA256 keyed with the secret; upper-case hex. We sign with hmac-sha256, the strongest the
 * current protocol page lists. simplify is left at its default (false), the documented shape.
 * TOP answers errors with HTTP 200 and {"error_response": {code, msg, sub_code, sub_msg}}; a result
 * comes as {"<method without 'taobao.', dots as underscores>_response": {...}}.
 *
 * Push: TOP's own push channel, TMC (消息服务), is consumed over the tmcClient WebSocket long
 * connection or by polling the TMC API; TOP documents no HTTP callback and no signature for one.
 * Our webhook is therefore our own HTTP delivery of TMC messages (what a small TMC consumer relays):
 * a POST, application/x-www-form-urlencoded, of the TMC message fields (id, topic, pub_time,
 * user_id, user_nick, content = the message JSON, e.g. {"tid":..,"status":..}) plus app_key,
 * timestamp, sign_method and sign, signed exactly like a TOP call with the app secret. A delivery
 * whose timestamp is more than 10 minutes from now is refused as stale, the router's own tolerance.
 */
import crypto from 'node:crypto';
import { joinUrl, platformRequest } from './http';
import {
  PlatformError,
  WebhookRejected,
  type MalformedOrder,
  type PlatformAdapter,
  type PlatformConnection,
  type PlatformOrder,
  type PlatformOrderLine,
  type PullWindow,
  type ShipmentWriteBack,
  type ShipmentWriteBackResult,
} from './types';
import { platformCarrierCode } from './carrier-codes';

export type TopSignMethod = 'md5' | 'hmac' | 'hmac-sha256';
const SIGN_METHODS: readonly string[] = ['md5', 'hmac', 'hmac-sha256'];
const CALL_SIGN_METHOD: TopSignMethod = 'hmac-sha256';

/** trades.sold.increment.get: "end_modified - start_modified <= 1天". */
const MAX_WINDOW_MS = 24 * 60 * 60 * 1000;
/** page_size: "取值范围：1~100" (TOP suggests 40-50 for fewer timeouts; we favour fewer calls). */
const PAGE_SIZE = 100;
const SKEW_MS = 10 * 60 * 1000;
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * Asked of trades.sold.increment.get too ("可选值为返回示例中能看到的所有字段"), so a page carries
 * everything we map; one taobao.trade.fullinfo.get per trade would multiply calls against the quota.
 */
const TRADE_FIELDS = [
  'tid', 'tid_str', 'status', 'created', 'modified', 'pay_time', 'payment', 'buyer_message',
  'receiver_name', 'receiver_mobile', 'receiver_phone', 'receiver_state', 'receiver_city',
  'receiver_district', 'receiver_town', 'receiver_address', 'receiver_zip', 'orders',
].join(',');

/** Unpaid: the three documented waiting states, plus the ones where nothing may ship yet. */
const UNPAID = new Set([
  'WAIT_BUYER_PAY', 'PAY_PENDING', 'TRADE_NO_CREATE_PAY',
  'TRADE_CLOSED_BY_TAOBAO', // documented as "付款以前，卖家或买家主动关闭交易": closed before payment
  'WAIT_PRE_AUTH_CONFIRM', // 0元购合约中: no money yet
  // 拼团中 / 发货强管控: paid, but consigning is forbidden; calling it paid would release it to the floor.
  'PAID_FORBID_CONSIGN',
]);
const CLOSED = new Set(['TRADE_CLOSED', 'TRADE_CLOSED_BY_TAOBAO']);

/** TMC trade topics that can change what the warehouse must ship; the others (rated, memo, ...) are ignored. */
const FETCH_TOPICS = new Set([
  'taobao_trade_TradeCreate', 'taobao_trade_TradeBuyerPay', 'taobao_trade_TradeChanged',
  'taobao_trade_TradeClose', 'taobao_trade_TradeCloseAndModifyDetailOrder', 'taobao_trade_TradeModifyFee',
  'taobao_trade_TradeLogisticsAddressChanged', 'taobao_trade_TradePartlyRefund', 'taobao_trade_TradeSellerShip',
]);

/** The TOP signature of a parameter set (upper-case hex). */
export function topSign(params: Record<string, string | undefined>, secret: string, method: TopSignMethod): string {
  const s = Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => k + params[k])
    .join('');
  const digest =
    method === 'md5'
      ? crypto.createHash('md5').update(secret + s + secret, 'utf8')
      : crypto.createHmac(method === 'hmac' ? 'md5' : 'sha256', Buffer.from(secret, 'utf8')).update(s, 'utf8');
  return digest.digest('hex').toUpperCase();
}

/** A moment as TOP writes it: China wall time (UTC+8, no daylight saving), no offset. */
export function toChinaTime(d: Date): string {
  return new Date(d.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** TOP's 'yyyy-MM-dd HH:mm:ss' China time as a moment; null when not exactly that (or not a real date). */
export function parseChinaTime(v: unknown): Date | null {
  if (typeof v !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(v);
  if (!m) return null;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) - CHINA_OFFSET_MS);
  return toChinaTime(d) === v ? d : null;
}

/** Yuan as TOP writes money ("200.07") to integer fen; null when it is not such an amount. */
export function yuanToFen(v: unknown): number | null {
  const s = typeof v === 'number' && Number.isFinite(v) ? String(v) : v;
  if (typeof s !== 'string') return null;
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(s.trim());
  if (!m) return null;
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? (m[1] ? -fen : fen) : null;
}

/**
 * tid, oid and num_iid are JSON numbers in TOP answers, and today's 18-19 digit tids do not fit a
 * double: quote them before parsing. A key always follows `{` or `,`; inside a string value the
 * quotes would be escaped, so text is never touched.
 */
function parseTopJson(text: string): any {
  try {
    return JSON.parse(text.replace(/([{,]\s*)"(tid|oid|num_iid|sku_id)"\s*:\s*(-?\d+)(?=\s*[,}])/g, '$1"$2":"$3"'));
  } catch {
    return undefined;
  }
}

function digits(v: unknown): string | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v > 0 ? String(v) : null;
  return typeof v === 'string' && /^\d+$/.test(v) ? v : null;
}

function text(v: unknown): string | null {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/** `{"trade": [...]}` (TOP's default shape) or a bare array (simplify=true); [] when absent; null when unreadable. */
function listOf(v: unknown, key: string): any[] | null {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  const inner = typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  if (Array.isArray(inner)) return inner;
  return inner === undefined ? [] : null;
}

function credentials(conn: PlatformConnection, names: string[]): Record<string, string> {
  for (const n of names) {
    if (!conn.credentials[n]) throw new PlatformError('auth', `taobao: the store has no ${n}`);
  }
  return conn.credentials;
}

/** A TOP error_response as a PlatformError. */
export function topError(e: any, what: string): PlatformError {
  const code = Number(e?.code);
  const sub = typeof e?.sub_code === 'string' ? e.sub_code : '';
  const said = [e?.msg, e?.sub_msg].filter((x) => typeof x === 'string' && x).join(': ') || 'no message';
  const opts = { status: 200, platformCode: sub || String(e?.code ?? '') };
  // 4-8: user / session / partner / app call limits; code 7 "App Call Limited" carries the ban length.
  if ((code >= 4 && code <= 8) || sub.startsWith('accesscontrol.')) {
    const ban = /ban will last for (\d+) more seconds?/i.exec(String(e?.sub_msg ?? ''));
    // Not capped: a daily quota ban lasts hours, and retrying every few minutes only counts against it.
    const retryAfterMs = ban ? Number(ban[1]) * 1000 : 1000;
    return new PlatformError('rate_limited', `${what}: TOP call limit (${said})`, { ...opts, retryAfterMs });
  }
  // 11-13 permissions, 24-29 signature / session / app key: the shop owner or supervisor must act.
  if ((code >= 11 && code <= 13) || (code >= 24 && code <= 29) || /session/.test(sub)) {
    return new PlatformError('auth', `${what}: TOP refused the credentials (${said})`, opts);
  }
  if (code === 31) return new PlatformError('rejected', `${what}: TOP refused our timestamp; this server's clock is more than 10 minutes off (${said})`, opts);
  // isp.*: the platform's own fault; 10 "Service Currently Unavailable"; 15 without a sub code: "过一段时间再尝试".
  if (sub.startsWith('isp.') || code === 10 || (code === 15 && !sub)) {
    return new PlatformError('unavailable', `${what}: TOP service error (${said})`, opts);
  }
  return new PlatformError('rejected', `${what}: ${said}`, opts);
}

/** One signed TOP call; the `<method>_response` object, or a PlatformError. */
async function call(conn: PlatformConnection, method: string, params: Record<string, string>, what: string): Promise<any> {
  const c = credentials(conn, ['appKey', 'appSecret', 'session']);
  const all: Record<string, string> = {
    ...params,
    method,
    app_key: c.appKey,
    session: c.session,
    timestamp: toChinaTime(new Date()),
    format: 'json',
    v: '2.0',
    sign_method: CALL_SIGN_METHOD,
  };
  all.sign = topSign(all, c.appSecret, CALL_SIGN_METHOD);
  const answer = await platformRequest(
    {
      method: 'POST',
      url: joinUrl(conn.baseUrl, '/router/rest'),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8' },
      body: new URLSearchParams(all).toString(),
      timeoutMs: conn.timeoutMs,
    },
    what,
  );
  const body = parseTopJson(answer.text);
  if (!body || typeof body !== 'object') {
    throw new PlatformError('bad_response', `${what}: not a TOP answer (HTTP ${answer.status})`, { status: answer.status });
  }
  if (body.error_response) throw topError(body.error_response, what);
  const result = body[method.replace(/^taobao\./, '').replace(/\./g, '_') + '_response'];
  if (!result || typeof result !== 'object') {
    throw new PlatformError('bad_response', `${what}: the answer has no ${method} result (HTTP ${answer.status})`, { status: answer.status });
  }
  return result;
}

type Read = { ok: true; order: PlatformOrder; modified: Date } | { ok: false; bad: MalformedOrder };

/** One TOP trade as a PlatformOrder, or why it cannot be read. Exported for unit tests. */
export function readTrade(t: any): Read {
  const bad = (externalId: string | null, reason: string): Read => ({ ok: false, bad: { externalId, reason } });
  if (!t || typeof t !== 'object') return bad(null, 'not a trade object');
  const tid = digits(t.tid_str) ?? digits(t.tid);
  if (!tid) return bad(null, `trade without a readable tid (${JSON.stringify(t.tid ?? null)})`);
  const status = text(t.status);
  if (!status) return bad(tid, 'trade without status');
  const modified = parseChinaTime(t.modified);
  if (!modified) return bad(tid, `unreadable modified time ${JSON.stringify(t.modified ?? null)}`);
  const items = listOf(t.orders, 'order');
  if (!items || items.length === 0) return bad(tid, 'no order lines (orders.order)');

  const lines: PlatformOrderLine[] = [];
  for (const o of items) {
    const oid = digits(o?.oid_str) ?? digits(o?.oid);
    if (!oid) return bad(tid, 'an order line without a readable oid');
    const qty = typeof o.num === 'string' && /^\d+$/.test(o.num) ? Number(o.num) : o.num;
    if (!Number.isSafeInteger(qty) || qty <= 0) return bad(tid, `line ${oid}: quantity ${JSON.stringify(o.num ?? null)} is not a positive integer`);
    // A line refunded in full (refund_status SUCCESS) or closed on its own (TOP: "如果为TRADE_CLOSED_BY_TAOBAO
    // 状态，则不要对此订单进行发货") must not ship: it is left out, as if the buyer had never ordered it.
    // Refunds still in progress keep their line: the seller may refuse them, and holding is the server's call.
    if (o.refund_status === 'SUCCESS' || CLOSED.has(o.status)) continue;
    lines.push({
      externalLineId: oid,
      listingCode: text(o.outer_sku_id) ?? text(o.outer_iid),
      variantId: text(o.sku_id) ?? text(o.num_iid),
      title: text(o.title),
      qty,
      priceFen: yuanToFen(o.price),
    });
  }

  const created = parseChinaTime(t.created);
  // pay_time, when the answer has the field, must hold a time for the trade to count as paid.
  const payTimeOk = t.pay_time === undefined || parseChinaTime(t.pay_time) !== null;
  // TOP closes a trade once every line is refunded; until it does, nothing is left to ship anyway.
  const cancelled = CLOSED.has(status) || lines.length === 0;
  const city = text(t.receiver_city);
  const district = text(t.receiver_district);
  const town = text(t.receiver_town);
  const street = text(t.receiver_address);
  return {
    ok: true,
    modified,
    order: {
      externalId: tid,
      platformStatus: status,
      paid: !UNPAID.has(status) && payTimeOk,
      cancelled,
      updatedAt: t.modified.replace(' ', 'T') + '+08:00',
      createdAt: created ? t.created.replace(' ', 'T') + '+08:00' : null,
      receiver: {
        name: text(t.receiver_name) ?? '',
        phone: text(t.receiver_mobile) ?? text(t.receiver_phone) ?? '',
        province: text(t.receiver_state),
        // TOP files 省直辖县级行政区 (e.g. 河南 济源) under receiver_district with no city and advises
        // using it as the city then.
        city: city ?? district,
        district: city ? district : null,
        address: town && street && !street.startsWith(town) ? town + street : (street ?? town ?? ''),
        postcode: text(t.receiver_zip),
      },
      lines,
      totalFen: yuanToFen(t.payment),
      currency: 'CNY',
      buyerNote: text(t.buyer_message),
    },
  };
}

/** Trade and line states after the seller's consignment (TOP trade status list). */
const CONSIGNED = new Set(['WAIT_BUYER_CONFIRM_GOODS', 'SELLER_CONSIGNED_PART', 'TRADE_BUYER_SIGNED', 'TRADE_FINISHED']);

/** Why the trade (or the shipment's lines) counts as shipped on Taobao already; null when it does not. */
async function consignedAlready(conn: PlatformConnection, s: ShipmentWriteBack): Promise<string | null> {
  const res = await call(conn, 'taobao.trade.fullinfo.get', { fields: 'tid,status,orders', tid: s.externalId }, `taobao: trade ${s.externalId}`);
  const t = res.trade;
  const status = text(t?.status);
  if (!status || CLOSED.has(status)) return null;
  const lines = listOf(t.orders, 'order') ?? [];
  if (s.externalLineIds) {
    const named = lines.filter((o: any) => s.externalLineIds!.includes(digits(o?.oid_str) ?? digits(o?.oid) ?? ''));
    if (named.length && named.every((o: any) => CONSIGNED.has(o.status) && o.status !== 'SELLER_CONSIGNED_PART')) return `lines ${s.externalLineIds.join(',')} already consigned on Taobao (${named.map((o: any) => o.status).join(', ')})`;
    return null;
  }
  return status !== 'SELLER_CONSIGNED_PART' && CONSIGNED.has(status) ? `trade already consigned on Taobao (${status})` : null;
}

/** First whole second at or after `d` (TOP times have whole seconds). */
function ceilSecond(d: Date): Date {
  return new Date(Math.ceil(d.getTime() / 1000) * 1000);
}

export const taobaoAdapter: PlatformAdapter = {
  platform: 'taobao',
  credentialNames: ['appKey', 'appSecret', 'session'],
  maxWindowMs: MAX_WINDOW_MS,
  pageSize: PAGE_SIZE,

  async pullOrders(conn, window: PullWindow, pageToken) {
    const pageNo = pageToken === null ? 1 : Number(pageToken);
    if (!Number.isSafeInteger(pageNo) || pageNo < 1) throw new PlatformError('rejected', `taobao: page token ${JSON.stringify(pageToken)} is not a page number`);
    // TOP does not say whether start_modified / end_modified are inclusive (its examples read
    // inclusive: 00:00:00 to 23:59:59). Modified times are whole seconds, so asking for
    // [ceil(from), ceil(to)] covers every trade of [from, to) either way; the trades TOP adds at
    // the edges are dropped below, so consecutive windows neither miss nor repeat a trade.
    const start = ceilSecond(window.from);
    const end = ceilSecond(window.to);
    if (end <= start) return { orders: [], malformed: [], next: null };
    if (end.getTime() - start.getTime() > MAX_WINDOW_MS) {
      throw new PlatformError('rejected', 'taobao: a pull window may span at most one day (end_modified - start_modified <= 1天)');
    }
    const what = `taobao: trades changed ${toChinaTime(start)}..${toChinaTime(end)} page ${pageNo}`;
    const res = await call(
      conn,
      'taobao.trades.sold.increment.get',
      {
        fields: TRADE_FIELDS,
        start_modified: toChinaTime(start),
        end_modified: toChinaTime(end),
        page_no: String(pageNo),
        page_size: String(PAGE_SIZE),
        // has_next instead of total_results: documented as much faster for increments.
        use_has_next: 'true',
      },
      what,
    );
    const trades = listOf(res.trades, 'trade');
    if (!trades) throw new PlatformError('bad_response', `${what}: trades.trade is not a list`);
    const orders: PlatformOrder[] = [];
    const malformed: MalformedOrder[] = [];
    for (const t of trades) {
      const r = readTrade(t);
      if (!r.ok) malformed.push(r.bad);
      else if (r.modified >= window.from && r.modified < window.to) orders.push(r.order);
    }
    // TOP sorts by modified, newest first, and advises paging from the last page back so that
    // trades modified meanwhile are not skipped. We page forwards: windows are pulled once they
    // lie in the past, so nothing enters them while we page, and a trade that leaves one (changed
    // again) shows up in a later window. Duplicates are harmless: updatedAt orders the versions.
    const hasNext = res.has_next === true || res.has_next === 'true' || (res.has_next === undefined && Number(res.total_results) > pageNo * PAGE_SIZE);
    return { orders, malformed, next: hasNext && trades.length > 0 ? String(pageNo + 1) : null };
  },

  async fetchOrders(conn, externalIds) {
    const orders: PlatformOrder[] = [];
    const malformed: MalformedOrder[] = [];
    for (const tid of externalIds) {
      if (!/^\d+$/.test(tid)) {
        malformed.push({ externalId: tid, reason: 'a Taobao tid is a number' });
        continue;
      }
      let res: any;
      try {
        res = await call(conn, 'taobao.trade.fullinfo.get', { fields: TRADE_FIELDS, tid }, `taobao: trade ${tid}`);
      } catch (err) {
        // A trade TOP will not give (gone, another seller's) is reported; throttling and outages are not per trade.
        if (err instanceof PlatformError && err.kind === 'rejected') {
          malformed.push({ externalId: tid, reason: err.message });
          continue;
        }
        throw err;
      }
      const r = readTrade(res.trade);
      if (r.ok) orders.push(r.order);
      else malformed.push({ externalId: r.bad.externalId ?? tid, reason: r.bad.reason });
    }
    return { orders, malformed };
  },

  parseWebhook(conn, req) {
    const c = credentials(conn, ['appKey', 'appSecret']);
    // The signed fields travel in the body only: a query string is outside what we verify.
    const params: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(req.rawBody.toString('utf8'))) {
      if (k in params) throw new WebhookRejected('MALFORMED_WEBHOOK', `taobao: field ${k} appears twice`);
      params[k] = v;
    }
    const method = params.sign_method;
    if (!params.sign || !method) throw new WebhookRejected('INVALID_SIGNATURE', 'taobao: the delivery is not signed');
    if (!SIGN_METHODS.includes(method)) throw new WebhookRejected('INVALID_SIGNATURE', `taobao: unknown sign_method ${method}`);
    const expected = Buffer.from(topSign(params, c.appSecret, method as TopSignMethod));
    const given = Buffer.from(params.sign.toUpperCase());
    if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) {
      throw new WebhookRejected('INVALID_SIGNATURE', 'taobao: the signature does not verify with this store\'s app secret');
    }
    if (params.app_key !== c.appKey) throw new WebhookRejected('INVALID_SIGNATURE', `taobao: the delivery is for app ${params.app_key}, not this store's`);
    const at = parseChinaTime(params.timestamp);
    if (!at) throw new WebhookRejected('MALFORMED_WEBHOOK', 'taobao: no readable timestamp');
    if (Math.abs(Date.now() - at.getTime()) > SKEW_MS) {
      throw new WebhookRejected('STALE_WEBHOOK', `taobao: delivery timestamped ${params.timestamp} (China time), more than 10 minutes from now`);
    }
    const topic = params.topic;
    if (!topic) throw new WebhookRejected('MALFORMED_WEBHOOK', 'taobao: the delivery names no topic');
    const deliveryId = params.id || null;
    if (!FETCH_TOPICS.has(topic)) return { kind: 'ignore', deliveryId, topic };
    const content = parseTopJson(params.content ?? '');
    const tid = digits(content?.tid);
    if (!tid) throw new WebhookRejected('MALFORMED_WEBHOOK', `taobao: ${topic} message without a tid`);
    return { kind: 'fetch', deliveryId, topic, externalIds: [tid] };
  },

  /**
   * taobao.logistics.offline.send (自己联系物流发货): tid, out_sid (the waybill), company_code (TOP's
   * logistics company code). A parcel with part of the trade's lines goes with is_split=1 and
   * their oids, comma-separated, in sub_tid: so every parcel of a split order is sent with its
   * own waybill.
   *
   * A trade already consigned is refused (the router answers an isv.logistics-offline-service-error
   * whose sub_msg says 已经发货或者已关闭, "already shipped or closed"). Shipped and closed differ for
   * us, and the exact sub code is not what we rely on: after any business refusal the trade is read
   * (taobao.trade.fullinfo.get) and a trade, or the named lines, past WAIT_SELLER_SEND_GOODS and
   * not closed counts as already shipped.
   */
  async writeBackShipment(conn, shipment): Promise<ShipmentWriteBackResult> {
    const params: Record<string, string> = {
      tid: shipment.externalId,
      out_sid: shipment.trackingNo,
      company_code: platformCarrierCode('taobao', { code: shipment.carrierCode, name: shipment.carrierName, adapter: shipment.carrierAdapter ?? '' }),
    };
    if (shipment.externalLineIds) {
      if (shipment.externalLineIds.length === 0) throw new PlatformError('rejected', `taobao: parcel of trade ${shipment.externalId} names no lines`);
      params.is_split = '1';
      params.sub_tid = shipment.externalLineIds.join(',');
    }
    const what = `taobao: shipment of trade ${shipment.externalId} (${shipment.carrierName} ${shipment.trackingNo})`;
    let res: any;
    try {
      res = await call(conn, 'taobao.logistics.offline.send', params, what);
    } catch (err) {
      if (!(err instanceof PlatformError) || err.kind !== 'rejected') throw err;
      const already = await consignedAlready(conn, shipment).catch(() => null);
      if (already) return { outcome: 'already_shipped', detail: `${already} (TOP: ${err.message.slice(what.length + 2)})` };
      throw err;
    }
    const ok = res.shipping?.is_success;
    if (ok !== true && ok !== 'true') throw new PlatformError('rejected', `${what}: TOP did not confirm the shipment`);
    return { outcome: 'shipped' };
  },
};
