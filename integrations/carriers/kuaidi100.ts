/**
 * Kuaidi100 (快递100), the aggregator: one account reaches the electronic waybills of many national
 * carriers (api.kuaidi100.com/document/dianzimiandanV2, 实时快递查询 poll/query.do).
 *
 * - 电子面单下单 / 取消: POST form to `label/order` with `method` (order | cancel), `key`, `t`
 *   (ms timestamp), `param` (JSON) and `sign` = upper-case hex MD5(param + t + key + secret).
 *   Answer `{result, returnCode, message, data}`; `data.kuaidinum` is the underlying carrier's
 *   waybill number, `data.bulkpen` its 大头笔 / 三段码, `destSortingCode` the destination sort centre.
 * - 实时快递查询: POST form to `poll/query.do` with `customer`, `param` and `sign` = upper-case hex
 *   MD5(param + key + customer). Answer `{message, state, status, data: [{time, context, ...}]}`,
 *   or `{result: false, returnCode, message}`. Tracking lives on poll.kuaidi100.com, not on the
 *   label host, hence `trackingBaseUrl`.
 * - 订阅 (subscription): POST form to `poll` on the tracking host with `schema=json` and `param` =
 *   `{company, number, key, parameters: {callbackurl, salt, resultv2, phone}}`, unsigned (the key is
 *   inside param). Answer `{result, returnCode, message}`: 200 提交成功, 501 重复订阅 (already
 *   subscribed and still tracked), 600 / 601 key wrong / expired, 700 / 701 / 702 bad data, refused
 *   carrier, carrier not recognised, 500 server error.
 * - 订阅推送 (the push of a subscription, "推送接口"): Kuaidi100 POSTs a form with `param` (JSON:
 *   `{status, message, lastResult: {state, nu, com, data: [...newest first]}}`) and, when the
 *   subscription named a `salt`, `sign` = MD5(param + salt) in upper-case hex. The receiver answers
 *   `{"result": true, "returnCode": "200", "message": "成功"}`; anything else is pushed again.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { carrierRequest, cargoText, chinaTimeToIso, endpoint, formBody, kg, yuan } from './http';
import { CarrierError, CarrierPushRefused, type CarrierAdapter, type CarrierPush, type CarrierPushRequest, type CarrierAddress, type CarrierConnection, type TrackingEvent, type TrackingStatus, type WaybillRequest } from './types';

const DEFAULT_BASE_URL = 'https://api.kuaidi100.com';
const DEFAULT_TRACKING_URL = 'https://poll.kuaidi100.com';

export const kuaidi100Credentials = z.object({
  key: z.string().min(1),
  secret: z.string().min(1),
  /** 实时快递查询 only; the label API does not use it */
  customer: z.string().min(1).optional(),
  /** the `salt` our subscriptions name: pushes are signed with it, and refused without it */
  salt: z.string().min(1).optional(),
});

export const kuaidi100Settings = z.object({
  /** the underlying carrier in Kuaidi100's lower-case code: zhongtong, yuantong, shunfeng, ems, ... */
  kuaidicom: z.string().regex(/^[a-z0-9]+$/, 'a Kuaidi100 company code in lower case'),
  /** 电子面单客户账户 / 月结账号 and its password, as the carrier's outlet issued them */
  partnerId: z.string().min(1).optional(),
  partnerKey: z.string().min(1).optional(),
  partnerSecret: z.string().min(1).optional(),
  partnerName: z.string().min(1).optional(),
  /** 网点名称, or taobao / cainiao / pinduoduoWx ... for platform-authorised accounts */
  net: z.string().min(1).optional(),
  code: z.string().min(1).optional(),
  /** the template for printType IMAGE / HTML / CLOUD; the hub prints its own labels, so optional */
  tempId: z.string().min(1).optional(),
  /** 产品类型 where the carrier has several (标准快递, 顺丰特惠 ...) */
  expType: z.string().min(1).optional(),
  payType: z.enum(['SHIPPER', 'CONSIGNEE', 'MONTHLY', 'THIRDPARTY']).optional(),
  trackingBaseUrl: z.url().optional(),
});

export type Kuaidi100Settings = z.infer<typeof kuaidi100Settings>;

/** sign of label/order: upper-case hex MD5 of param + t + key + secret. */
export function kuaidi100LabelSign(param: string, t: string, key: string, secret: string): string {
  return crypto.createHash('md5').update(param + t + key + secret, 'utf8').digest('hex').toUpperCase();
}

/** sign of poll/query.do: upper-case hex MD5 of param + key + customer. */
export function kuaidi100QuerySign(param: string, key: string, customer: string): string {
  return crypto.createHash('md5').update(param + key + customer, 'utf8').digest('hex').toUpperCase();
}

function parseConn(conn: CarrierConnection) {
  const creds = kuaidi100Credentials.safeParse(conn.credentials);
  if (!creds.success) throw new CarrierError('auth', `Kuaidi100 credentials incomplete: ${z.prettifyError(creds.error)}`);
  const settings = kuaidi100Settings.safeParse(conn.settings);
  if (!settings.success) throw new CarrierError('rejected', `Kuaidi100 settings invalid: ${z.prettifyError(settings.error)}`);
  return { creds: creds.data, settings: settings.data };
}

function man(a: CarrierAddress) {
  return {
    name: a.name,
    mobile: a.phone,
    printAddr: `${a.province}${a.city}${a.district}${a.address}`,
    ...(a.company ? { company: a.company } : {}),
    ...(a.postcode ? { zipcode: a.postcode } : {}),
  };
}

/**
 * label/order return codes ("返回信息代码含义"): 200 ok; 30001 参数错误; 30002 验证签名失败;
 * 30003 账号信息不正确; 30004 账号单量不足; -1 / 500 服务器错误. The underlying carrier's own refusals
 * (超区, 地址不详) come back as a failed result with the carrier's text.
 */
function labelError(json: any, what: string): CarrierError {
  const code = String(json.returnCode ?? json.code ?? '');
  const message = String(json.message ?? 'no message');
  if (code === '30002' || code === '30003') return new CarrierError('auth', `${what}: Kuaidi100 refused the key or signature (${code} ${message})`, code);
  if (code === '-1' || code === '500' || code === '502') return new CarrierError('unavailable', `${what}: Kuaidi100 server error (${code} ${message})`, code);
  if (code === '30004') return new CarrierError('rejected', `${what}: the Kuaidi100 account has no waybill balance left (${message})`, code);
  return new CarrierError('rejected', `${what}: refused (${code} ${message})`, code || undefined);
}

async function labelCall(conn: CarrierConnection, method: 'order' | 'cancel', param: object, what: string): Promise<any> {
  const { creds } = parseConn(conn);
  const paramText = JSON.stringify(param);
  const t = String(Date.now());
  const answer = await carrierRequest(
    {
      url: endpoint(conn.baseUrl, 'label/order'),
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
      body: formBody({ method, key: creds.key, sign: kuaidi100LabelSign(paramText, t, creds.key, creds.secret), t, param: paramText }),
      timeoutMs: conn.timeoutMs,
    },
    what,
  );
  const json = answer.json;
  if (typeof json.result !== 'boolean' && json.returnCode === undefined) throw new CarrierError('malformed', `${what}: no result / returnCode in the answer`);
  if (json.result !== true || String(json.returnCode ?? '200') !== '200') throw labelError(json, what);
  return json;
}

function accountFields(s: Kuaidi100Settings) {
  const out: Record<string, string> = {};
  for (const k of ['partnerId', 'partnerKey', 'partnerSecret', 'partnerName', 'net', 'code'] as const) if (s[k]) out[k] = s[k] as string;
  return out;
}

async function createWaybill(conn: CarrierConnection, req: WaybillRequest) {
  const { settings } = parseConn(conn);
  const what = `Kuaidi100 waybill for ${req.reference}`;
  const param = {
    printType: 'NON',
    ...accountFields(settings),
    kuaidicom: settings.kuaidicom,
    recMan: man(req.receiver),
    sendMan: man(req.sender),
    cargo: cargoText(req.items),
    count: req.pieces,
    weight: kg(req.weightG),
    // the aggregator and most carriers behind it answer a repeated orderId with the first waybill
    orderId: req.reference,
    payType: settings.payType ?? 'MONTHLY',
    ...(settings.expType ? { expType: settings.expType } : {}),
    ...(settings.tempId ? { tempId: settings.tempId } : {}),
    ...(req.valueFen ? { valinsPay: yuan(req.valueFen) } : {}),
    ...(req.remark ? { remark: req.remark } : {}),
  };
  const json = await labelCall(conn, 'order', param, what);
  const data = json.data;
  const waybillNo = typeof data?.kuaidinum === 'string' ? data.kuaidinum.trim() : '';
  if (!waybillNo) throw new CarrierError('malformed', `${what}: the answer has no data.kuaidinum`);
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  return {
    waybillNo,
    routingCode: str(data.bulkpen),
    sortCenter: str(data.destSortingCode) ?? str(data.destCode),
    carrierOrderId: str(data.kdComOrderNum),
  };
}

async function cancelWaybill(conn: CarrierConnection, waybillNo: string, reference: string): Promise<void> {
  const { settings } = parseConn(conn);
  const param = { ...accountFields(settings), kuaidicom: settings.kuaidicom, kuaidinum: waybillNo, reason: `取消 ${reference}` };
  await labelCall(conn, 'cancel', param, `Kuaidi100 cancel of ${waybillNo}`);
}

/**
 * Kuaidi100 states, basic and advanced (the latter with resultv2=4): 0 在途 (1001 到达派件城市,
 * 1002 干线, 1003 转递), 1 揽收 (101 已下单, 102 待揽收, 103 已揽收), 2 疑难 (2xx), 3 签收 (301-304),
 * 4 退签 (401 已销单), 5 派件 (501 投柜或驿站), 6 退回, 7 转投, 8 / 10-13 清关, 14 拒签.
 */
export function kuaidi100Status(code: string | number | null | undefined): TrackingStatus {
  const c = String(code ?? '');
  if (c === '101' || c === '102') return 'info';
  if (c === '1' || c === '103') return 'picked_up';
  if (c === '0' || c === '7' || c === '8' || /^100\d$/.test(c) || /^1[0-3]$/.test(c)) return 'in_transit';
  if (c === '5' || /^50\d$/.test(c)) return 'out_for_delivery';
  if (c === '3' || /^30\d$/.test(c)) return 'delivered';
  if (c === '2' || c === '4' || c === '6' || c === '14' || /^2\d\d$/.test(c) || /^40\d$/.test(c)) return 'exception';
  return 'info';
}

function queryError(json: any, what: string): CarrierError {
  const code = String(json.returnCode ?? '');
  const message = String(json.message ?? 'no message');
  if (code === '503' || code === '600' || code === '601') return new CarrierError('auth', `${what}: Kuaidi100 refused the customer, key or signature (${code} ${message})`, code);
  if (code === '502') return new CarrierError('rate_limited', `${what}: Kuaidi100 is busy (${message})`, code);
  if (code === '501') return new CarrierError('unavailable', `${what}: Kuaidi100 server error (${message})`, code);
  return new CarrierError('rejected', `${what}: ${code} ${message}`, code || undefined);
}

function trackingBase(conn: CarrierConnection, s: Kuaidi100Settings): string {
  if (s.trackingBaseUrl) return s.trackingBaseUrl;
  return conn.baseUrl.replace(/\/+$/, '') === DEFAULT_BASE_URL ? DEFAULT_TRACKING_URL : conn.baseUrl;
}

async function track(conn: CarrierConnection, waybillNo: string, opts?: { phone?: string }): Promise<TrackingEvent[]> {
  const { creds, settings } = parseConn(conn);
  const what = `Kuaidi100 tracking of ${waybillNo}`;
  if (!creds.customer) throw new CarrierError('auth', `${what}: the connection has no "customer" (实时快递查询 needs it)`);
  // asc, so events come oldest first like every other adapter's
  const param = JSON.stringify({ com: settings.kuaidicom, num: waybillNo, ...(opts?.phone ? { phone: opts.phone } : {}), resultv2: '4', show: '0', order: 'asc' });
  const answer = await carrierRequest(
    {
      url: endpoint(trackingBase(conn, settings), 'poll/query.do'),
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
      body: formBody({ customer: creds.customer, sign: kuaidi100QuerySign(param, creds.key, creds.customer), param }),
      timeoutMs: conn.timeoutMs,
    },
    what,
  );
  const json = answer.json;
  if (json.result === false) {
    // 500 查询无结果: the carrier has no scan yet, which is normal for a fresh waybill
    if (String(json.returnCode) === '500') return [];
    throw queryError(json, what);
  }
  if (!Array.isArray(json.data)) throw new CarrierError('malformed', `${what}: the answer has no data list`);
  return eventsOf(json.data, json.state, what);
}

/**
 * Kuaidi100's event list (query answer, or a push's lastResult) as events, oldest first. Without
 * resultv2 the events carry no code; the overall state then describes the newest one.
 */
function eventsOf(data: any[], state: unknown, what: string): TrackingEvent[] {
  const events: Array<TrackingEvent & { raw: any }> = [];
  for (const e of data) {
    const at = chinaTimeToIso(e?.ftime ?? e?.time);
    if (!at || typeof e.context !== 'string') throw new CarrierError('malformed', `${what}: an event has no time or context`);
    const code = e.statusCode === undefined || e.statusCode === null || e.statusCode === '' ? null : String(e.statusCode);
    events.push({ at, status: kuaidi100Status(e.statusCode), description: e.context, location: typeof e.areaName === 'string' && e.areaName ? e.areaName : null, code, raw: e });
  }
  events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const last = events[events.length - 1];
  if (last && last.status === 'info' && last.raw?.statusCode === undefined && state !== undefined && state !== null) {
    last.status = kuaidi100Status(state as string);
    last.code = String(state);
  }
  return events.map(({ raw: _raw, ...e }) => e);
}

/** Return codes of the subscription (poll), which differ from the query's: there 501 is a server error. */
function pollError(json: any, what: string): CarrierError {
  const code = String(json.returnCode ?? '');
  const message = String(json.message ?? 'no message');
  if (code === '600' || code === '601') return new CarrierError('auth', `${what}: Kuaidi100 refused the key (${code} ${message})`, code);
  if (code === '500') return new CarrierError('unavailable', `${what}: Kuaidi100 server error (${message})`, code);
  return new CarrierError('rejected', `${what}: ${code} ${message}`, code || undefined);
}

/**
 * Subscribe a waybill so Kuaidi100 pushes its tracking to `callbackUrl`, signed with our salt.
 * Without a salt the pushes could not be verified (parsePush refuses them), so nothing is asked.
 */
async function subscribeTracking(conn: CarrierConnection, waybillNo: string, opts: { callbackUrl: string; phone?: string }): Promise<void> {
  const { creds, settings } = parseConn(conn);
  const what = `Kuaidi100 subscription of ${waybillNo}`;
  if (!creds.salt) throw new CarrierError('auth', `${what}: the connection has no push "salt", so pushes could not be verified; set one before subscribing`);
  const param = JSON.stringify({
    company: settings.kuaidicom,
    number: waybillNo,
    key: creds.key,
    parameters: {
      callbackurl: opts.callbackUrl,
      salt: creds.salt,
      resultv2: '1',
      // required for SF (shunfeng) numbers, optional for the others
      ...(opts.phone ? { phone: opts.phone } : {}),
    },
  });
  const answer = await carrierRequest(
    {
      url: endpoint(trackingBase(conn, settings), 'poll'),
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
      body: formBody({ schema: 'json', param }),
      timeoutMs: conn.timeoutMs,
    },
    what,
  );
  const json = answer.json;
  if (json.returnCode === undefined || json.returnCode === null) throw new CarrierError('malformed', `${what}: no returnCode in the answer`);
  const code = String(json.returnCode);
  // 501 重复订阅: subscribed earlier and still tracked, so the pushes come already
  if ((code === '200' && json.result !== false) || code === '501') return;
  throw pollError(json, what);
}

/** sign of a subscription push: upper-case hex MD5 of param + salt. */
export function kuaidi100PushSign(param: string, salt: string): string {
  return crypto.createHash('md5').update(param + salt, 'utf8').digest('hex').toUpperCase();
}

const PushParam = z.object({
  status: z.string().optional(),
  message: z.string().optional(),
  lastResult: z.object({
    state: z.union([z.string(), z.number()]).optional(),
    nu: z.string().trim().min(1).max(64),
    com: z.string().optional(),
    data: z.array(z.object({ context: z.string(), time: z.string().optional(), ftime: z.string().optional(), statusCode: z.union([z.string(), z.number()]).optional(), areaName: z.string().nullish() }).loose()).max(1000),
  }).loose(),
}).loose();

export const KUAIDI100_PUSH_ANSWER = { result: true, returnCode: '200', message: '成功' } as const;

/**
 * A subscription push: the form's `sign` must be MD5(param + salt) with the salt of this
 * connection, checked over the exact `param` text before anything in it is believed.
 */
function parsePush(conn: CarrierConnection, req: CarrierPushRequest): CarrierPush {
  const text = req.rawBody.toString('utf8');
  let fields: Record<string, string>;
  if (/json/i.test(req.contentType)) {
    // some gateways re-post the form as JSON: {param, sign}, param being the JSON text
    try {
      const j = JSON.parse(text);
      fields = { param: typeof j?.param === 'string' ? j.param : j?.param && typeof j.param === 'object' ? JSON.stringify(j.param) : '', sign: typeof j?.sign === 'string' ? j.sign : '' };
    } catch {
      throw new CarrierPushRefused('malformed', 'the push body is not JSON');
    }
  } else {
    fields = Object.fromEntries(new URLSearchParams(text));
  }
  const param = fields.param;
  if (!param) throw new CarrierPushRefused('malformed', 'the push has no param');
  const salt = typeof conn.credentials.salt === 'string' ? conn.credentials.salt : '';
  if (!salt) throw new CarrierPushRefused('unsigned', 'no push salt is configured for this carrier: pushes cannot be verified');
  const sign = (fields.sign ?? '').trim().toUpperCase();
  if (!sign) throw new CarrierPushRefused('unsigned', 'the push is not signed');
  const expected = Buffer.from(kuaidi100PushSign(param, salt));
  const got = Buffer.from(sign);
  if (got.length !== expected.length || !crypto.timingSafeEqual(got, expected)) throw new CarrierPushRefused('forged', 'the push signature does not match');
  let json: unknown;
  try {
    json = JSON.parse(param);
  } catch {
    throw new CarrierPushRefused('malformed', 'param is not JSON');
  }
  const parsed = PushParam.safeParse(json);
  if (!parsed.success) throw new CarrierPushRefused('malformed', `param: ${z.prettifyError(parsed.error)}`);
  const r = parsed.data.lastResult;
  let events: TrackingEvent[];
  try {
    events = eventsOf(r.data, r.state, `Kuaidi100 push of ${r.nu}`);
  } catch (err) {
    throw new CarrierPushRefused('malformed', (err as Error).message);
  }
  return { waybills: [{ waybillNo: r.nu, events }], answer: KUAIDI100_PUSH_ANSWER };
}

export const kuaidi100Adapter: CarrierAdapter = {
  name: 'kuaidi100',
  title: '快递100 电子面单',
  defaultBaseUrl: DEFAULT_BASE_URL,
  credentialsSchema: kuaidi100Credentials as unknown as z.ZodType<Record<string, string>>,
  settingsSchema: kuaidi100Settings,
  createWaybill,
  cancelWaybill,
  track,
  parsePush,
  subscribeTracking,
};
