/**
 * SF Express (顺丰) through its open platform 丰桥 (open.sf-express.com, `/std/service`).
 *
 * - Every call is a POST form of `partnerID` (顾客编码), `requestID` (UUID), `serviceCode`,
 *   `timestamp` (ms), `msgData` (the JSON text) and `msgDigest` = Base64(MD5(URLEncoder.encode(
 *   msgData + timestamp + checkWord, "UTF-8"))). The platform is Java: the encoding is Java's
 *   URLEncoder (space → '+', and ! ' ( ) ~ escaped), not encodeURIComponent.
 * - The answer is `{apiResultCode, apiErrorMsg, apiResponseID, apiResultData}`; A1000 means the
 *   gateway accepted the call and `apiResultData` is a JSON *string* of
 *   `{success, errorCode, errorMsg, msgData}` from the service behind it.
 * - EXP_RECE_CREATE_ORDER (下订单): orderId is ours (the reference); SF refuses a second order with
 *   the same orderId (errorCode 8016 重复下单), so a retry looks the order up with
 *   EXP_RECE_SEARCH_ORDER_RESP and returns the waybill already issued.
 * - EXP_RECE_UPDATE_ORDER with dealType 2 cancels, with dealType 1 confirms the hand-over (订单确认,
 *   with the weighed `totalWeight` in kg); EXP_RECE_SEARCH_ROUTES returns routes by opCode.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { carrierRequest, cargoText, chinaTimeToIso, formBody, kg } from './http';
import { CarrierError, type CarrierAdapter, type CarrierAddress, type CarrierConnection, type HandoverOutcome, type HandoverParcel, type TrackingEvent, type TrackingStatus, type Waybill, type WaybillRequest } from './types';

const DEFAULT_BASE_URL = 'https://sfapi.sf-express.com/std/service';

export const sfCredentials = z.object({
  /** 顾客编码 */
  partnerId: z.string().min(1),
  /** 校验码 (production and sandbox differ) */
  checkWord: z.string().min(1),
});

export const sfSettings = z.object({
  /** 月结卡号; without it the parcel is paid by the sender at pick-up */
  monthlyCard: z.string().regex(/^\d{10}$/, 'a 10-digit 月结卡号').optional(),
  /** 快件产品类别: 1 顺丰特快, 2 顺丰标快 ...; cold-chain products have their own ids */
  expressTypeId: z.number().int().positive().optional(),
  /** the product for chilled and frozen parcels (顺丰冷运); required before those can ship */
  coldExpressTypeId: z.number().int().positive().optional(),
  /** SF's temperatureRange for chilled and frozen parcels, when the contract names one */
  chilledTemperatureRange: z.number().int().positive().optional(),
  frozenTemperatureRange: z.number().int().positive().optional(),
});

export type SfSettings = z.infer<typeof sfSettings>;

/** SF's errorCode for a repeated orderId. */
export const SF_DUPLICATE_ORDER = '8016';
/** 已消单: cancelling what is already cancelled */
const SF_ALREADY_CANCELLED = '8037';
/**
 * Answers to a confirm that mean the order stands confirmed: 8252 订单已确认 (a second confirm), and
 * 8019 订单已确认或已消单, which SF documents for accounts whose orders are confirmed on creation
 * (丰桥's default). 8019 can also mean cancelled; SF does not say which, so the words are kept.
 */
const SF_ALREADY_CONFIRMED = new Set(['8252', '8019']);

/** java.net.URLEncoder.encode(s, "UTF-8"): encodeURIComponent plus ! ' ( ) ~, and '+' for space. */
export function javaUrlEncode(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()~]/g, (ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+');
}

export function sfMsgDigest(msgData: string, timestamp: string, checkWord: string): string {
  return crypto.createHash('md5').update(javaUrlEncode(msgData + timestamp + checkWord), 'utf8').digest('base64');
}

function parseConn(conn: CarrierConnection) {
  const creds = sfCredentials.safeParse(conn.credentials);
  if (!creds.success) throw new CarrierError('auth', `SF credentials incomplete: ${z.prettifyError(creds.error)}`);
  const settings = sfSettings.safeParse(conn.settings);
  if (!settings.success) throw new CarrierError('rejected', `SF settings invalid: ${z.prettifyError(settings.error)}`);
  return { creds: creds.data, settings: settings.data };
}

/**
 * Gateway codes: A1000 ok; A1001 必传参数不可为空; A1002 请求时效已过期; A1003 IP无效; A1004 无对应服务
 * 权限; A1005 流量受控; A1006 数字签名无效; A1007 重复请求; A1008 数据解密失败; A1009 目标服务异常或
 * 不可达; A1099 系统异常.
 */
function gatewayError(code: string, msg: string, what: string): CarrierError {
  const text = `${what}: ${code} ${msg}`;
  if (code === 'A1003' || code === 'A1004' || code === 'A1006' || code === 'A1008') return new CarrierError('auth', text, code);
  if (code === 'A1005') return new CarrierError('rate_limited', text, code);
  if (code === 'A1009' || code === 'A1099') return new CarrierError('unavailable', text, code);
  // A1002: our clock is off or the request sat somewhere; a fresh timestamp will do
  if (code === 'A1002' || code === 'A1007') return new CarrierError('unavailable', text, code);
  return new CarrierError('rejected', text, code);
}

interface ServiceResult {
  success: boolean;
  errorCode: string;
  errorMsg: string;
  msgData: any;
}

async function call(conn: CarrierConnection, serviceCode: string, msg: object, what: string): Promise<ServiceResult> {
  const { creds } = parseConn(conn);
  const msgData = JSON.stringify(msg);
  const timestamp = String(Date.now());
  const answer = await carrierRequest(
    {
      url: conn.baseUrl,
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
      body: formBody({
        partnerID: creds.partnerId,
        requestID: crypto.randomUUID(),
        serviceCode,
        timestamp,
        msgDigest: sfMsgDigest(msgData, timestamp, creds.checkWord),
        msgData,
      }),
      timeoutMs: conn.timeoutMs,
    },
    what,
  );
  const json = answer.json;
  if (typeof json.apiResultCode !== 'string') throw new CarrierError('malformed', `${what}: no apiResultCode in the answer`);
  if (json.apiResultCode !== 'A1000') throw gatewayError(json.apiResultCode, String(json.apiErrorMsg ?? ''), what);
  let data: any;
  try {
    data = typeof json.apiResultData === 'string' ? JSON.parse(json.apiResultData) : json.apiResultData;
  } catch {
    throw new CarrierError('malformed', `${what}: apiResultData is not JSON`);
  }
  if (!data || typeof data.success !== 'boolean') throw new CarrierError('malformed', `${what}: apiResultData has no "success"`);
  return { success: data.success, errorCode: String(data.errorCode ?? ''), errorMsg: String(data.errorMsg ?? ''), msgData: data.msgData };
}

function contact(a: CarrierAddress, contactType: 1 | 2) {
  return {
    contactType,
    contact: a.name,
    mobile: a.phone,
    country: 'CN',
    province: a.province,
    city: a.city,
    county: a.district,
    address: a.address,
    ...(a.company ? { company: a.company } : {}),
    ...(a.postcode ? { postCode: a.postcode } : {}),
  };
}

function productFor(req: WaybillRequest, s: SfSettings): { expressTypeId: number; temperatureRange?: number } {
  if (req.temperature === 'ambient') return { expressTypeId: s.expressTypeId ?? 1 };
  if (!s.coldExpressTypeId) {
    throw new CarrierError('rejected', `SF: a ${req.temperature} parcel needs a cold-chain product; set coldExpressTypeId on the carrier`);
  }
  const range = req.temperature === 'chilled' ? s.chilledTemperatureRange : s.frozenTemperatureRange;
  return { expressTypeId: s.coldExpressTypeId, ...(range ? { temperatureRange: range } : {}) };
}

/**
 * filterResult: 1 人工确认, 2 可收派, 3 不可以收派 (remark 1 收方超范围, 2 派方超范围, 3 其它原因).
 * SF accepts the order in all three cases; 3 means nobody will deliver it.
 */
const FILTER_REASON: Record<string, string> = { '1': 'the receiver address is outside SF service (收方超范围)', '2': 'the sender address is outside SF service (派方超范围)', '3': 'other reason (其它原因)' };

function waybillOf(msg: any, what: string): Waybill {
  if (!msg || typeof msg !== 'object') throw new CarrierError('malformed', `${what}: no msgData in the answer`);
  if (String(msg.filterResult ?? '') === '3') {
    throw new CarrierError('rejected', `${what}: SF cannot serve this address: ${FILTER_REASON[String(msg.remark)] ?? msg.remark ?? 'no reason given'}`, 'filterResult=3');
  }
  const list: any[] = Array.isArray(msg.waybillNoInfoList) ? msg.waybillNoInfoList : [];
  // waybillType 1 is the main waybill; 2 child, 3 signed-return
  const main = list.find((w) => String(w?.waybillType ?? '1') === '1') ?? list[0];
  const waybillNo = typeof main?.waybillNo === 'string' ? main.waybillNo : '';
  if (!waybillNo) throw new CarrierError('malformed', `${what}: no waybill number in waybillNoInfoList`);
  const labels: any[] = Array.isArray(msg.routeLabelInfo) ? msg.routeLabelInfo : [];
  const label = (labels.find((l) => l?.routeLabelData?.waybillNo === waybillNo) ?? labels[0])?.routeLabelData ?? {};
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  return {
    waybillNo,
    routingCode: str(label.destRouteLabel),
    sortCenter: str(label.destTransferCode) ?? str(label.codingMapping) ?? str(msg.destCode),
    carrierOrderId: null,
  };
}

async function createWaybill(conn: CarrierConnection, req: WaybillRequest): Promise<Waybill> {
  const { settings } = parseConn(conn);
  const what = `SF order ${req.reference}`;
  const msg = {
    language: 'zh-CN',
    orderId: req.reference,
    cargoDetails: req.items.map((i) => ({ name: i.name, count: i.qty, unit: '件' })),
    cargoDesc: cargoText(req.items),
    contactInfoList: [contact(req.sender, 1), contact(req.receiver, 2)],
    ...(settings.monthlyCard ? { monthlyCard: settings.monthlyCard, payMethod: 1 } : { payMethod: 1 }),
    ...productFor(req, settings),
    parcelQty: req.pieces,
    totalWeight: kg(req.weightG),
    isReturnRoutelabel: 1,
    ...(req.remark ? { remark: req.remark } : {}),
    ...(req.valueFen ? { serviceList: [{ name: 'INSURE', value: (req.valueFen / 100).toFixed(2) }] } : {}),
  };
  const result = await call(conn, 'EXP_RECE_CREATE_ORDER', msg, what);
  if (result.success) return waybillOf(result.msgData, what);
  if (result.errorCode === SF_DUPLICATE_ORDER) {
    // our earlier attempt got through but its answer was lost: the order and its waybill exist
    const found = await call(conn, 'EXP_RECE_SEARCH_ORDER_RESP', { orderId: req.reference, searchType: 1, language: 'zh-CN' }, `${what} (look-up after 8016)`);
    if (!found.success) throw new CarrierError('rejected', `${what}: SF says the order exists but cannot find it (${found.errorCode} ${found.errorMsg})`, found.errorCode);
    return waybillOf(found.msgData, what);
  }
  throw new CarrierError('rejected', `${what}: ${result.errorCode} ${result.errorMsg}`, result.errorCode || undefined);
}

async function cancelWaybill(conn: CarrierConnection, waybillNo: string, reference: string): Promise<void> {
  const what = `SF cancel of ${reference} (${waybillNo})`;
  const result = await call(conn, 'EXP_RECE_UPDATE_ORDER', { orderId: reference, dealType: 2, language: 'zh-CN', waybillNoInfoList: [{ waybillType: 1, waybillNo }] }, what);
  if (result.success || result.errorCode === SF_ALREADY_CANCELLED) return;
  throw new CarrierError('rejected', `${what}: ${result.errorCode} ${result.errorMsg}`, result.errorCode || undefined);
}

/**
 * One EXP_RECE_UPDATE_ORDER dealType 1 per parcel (SF takes one order per call). SF's refusal of a
 * parcel (8018 no such order, 8017 order and waybill do not match, 8037 / 8253 cancelled ...) is
 * that parcel's outcome; a gateway or transport failure throws, and the retry is safe because a
 * parcel confirmed before the failure answers 8252 the second time.
 */
async function confirmHandover(conn: CarrierConnection, parcels: HandoverParcel[]): Promise<HandoverOutcome[]> {
  const outcomes: HandoverOutcome[] = [];
  // one after another: SF limits calls per partner (A1005), and a manifest is a background job
  for (const p of parcels) {
    const what = `SF hand-over of ${p.reference} (${p.waybillNo})`;
    const msg = {
      orderId: p.reference,
      dealType: 1,
      language: 'zh-CN',
      waybillNoInfoList: [{ waybillType: 1, waybillNo: p.waybillNo }],
      // SF: "如果提供此值，必须>0"; without a weight SF keeps the one given at order time
      ...(p.weightG > 0 ? { totalWeight: kg(p.weightG) } : {}),
    };
    const result = await call(conn, 'EXP_RECE_UPDATE_ORDER', msg, what);
    outcomes.push(handoverOutcome(p.waybillNo, result));
  }
  return outcomes;
}

function handoverOutcome(waybillNo: string, r: ServiceResult): HandoverOutcome {
  if (r.success) {
    // resStatus: 1 客户订单号与顺丰运单不匹配, 2 操作成功
    if (String(r.msgData?.resStatus ?? '') === '1') return { waybillNo, outcome: 'refused', detail: 'resStatus 1 客户订单号与顺丰运单不匹配' };
    return { waybillNo, outcome: 'confirmed', detail: null };
  }
  const words = `${r.errorCode} ${r.errorMsg}`.trim() || 'refused without a reason';
  if (SF_ALREADY_CONFIRMED.has(r.errorCode)) return { waybillNo, outcome: 'confirmed', detail: words };
  return { waybillNo, outcome: 'refused', detail: words };
}

/**
 * SF route opCodes (路由操作码): 50/54 收件, 30/31/36/105/106/130 in the network (装车, 到达, 中转),
 * 44/204 派送中, 80/8000 签收, 33/70/77 派送异常 / 滞留, 99 退回, 607 代收点 (waiting for pick-up).
 */
export function sfStatus(opCode: unknown): TrackingStatus {
  const c = String(opCode ?? '');
  if (c === '50' || c === '51' || c === '54') return 'picked_up';
  if (['30', '31', '36', '105', '106', '130', '3036', '123'].includes(c)) return 'in_transit';
  if (c === '44' || c === '204' || c === '607') return 'out_for_delivery';
  if (c === '80' || c === '8000') return 'delivered';
  if (['33', '70', '77', '99', '648'].includes(c)) return 'exception';
  return 'info';
}

async function track(conn: CarrierConnection, waybillNo: string, opts?: { phone?: string }): Promise<TrackingEvent[]> {
  const what = `SF routes of ${waybillNo}`;
  const msg = {
    language: '0',
    trackingType: 1,
    trackingNumber: [waybillNo],
    methodType: 1,
    // SF checks the last four digits of the sender's or receiver's phone for other people's waybills
    ...(opts?.phone ? { checkPhoneNo: opts.phone.replace(/\D/g, '').slice(-4) } : {}),
  };
  const result = await call(conn, 'EXP_RECE_SEARCH_ROUTES', msg, what);
  if (!result.success) throw new CarrierError('rejected', `${what}: ${result.errorCode} ${result.errorMsg}`, result.errorCode || undefined);
  const resps = result.msgData?.routeResps;
  if (!Array.isArray(resps)) throw new CarrierError('malformed', `${what}: no routeResps in the answer`);
  const mine = resps.find((r: any) => r?.mailNo === waybillNo);
  const routes: any[] = Array.isArray(mine?.routes) ? mine.routes : [];
  return routes
    .map((r) => {
      const at = chinaTimeToIso(r?.acceptTime);
      if (!at) throw new CarrierError('malformed', `${what}: a route has no acceptTime`);
      return { at, status: sfStatus(r.opCode), description: String(r.remark ?? ''), location: typeof r.acceptAddress === 'string' && r.acceptAddress ? r.acceptAddress : null, code: r.opCode === undefined || r.opCode === null ? null : String(r.opCode) };
    })
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

export const sfAdapter: CarrierAdapter = {
  name: 'sf',
  title: '顺丰速运 (丰桥)',
  defaultBaseUrl: DEFAULT_BASE_URL,
  credentialsSchema: sfCredentials,
  settingsSchema: sfSettings,
  createWaybill,
  cancelWaybill,
  track,
  confirmHandover,
};
