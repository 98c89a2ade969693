/**
 * ZTO Express (中通快递) through the ZTO open platform (open.zto.com, gateway japi.zto.com).
 *
 * - Every call is a POST of a JSON body to `<gateway>/<method name>` with headers `x-appKey` and
 *   `x-dataDigest` = Base64(MD5(body + appSecret)) over the exact bytes sent (ZTO's zopsdk computes
 *   the same digest in its JSON mode).
 * - The answer is `{status, message, statusCode, result}`; `status: false` is a refusal.
 * - zto.open.createOrder: `partnerOrderCode` is our reference and ZTO answers a repeated one with
 *   the order it already has; `result.billCode` is the waybill, `result.bigMarkInfo.mark` the
 *   大头笔 / 三段码 and `bagAddr` the 集包地 (bag destination).
 * - zto.open.cancelPreOrder cancels by billCode; zto.merchant.waybill.track.query returns scans by
 *   scanType (收件, 发件, 到件, 派件, 签收, 问题件 ...).
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { carrierRequest, cargoText, endpoint, epochToChinaIso, chinaTimeToIso, kg } from './http';
import { CarrierError, type CarrierAdapter, type CarrierAddress, type CarrierConnection, type TrackingEvent, type TrackingStatus, type Waybill, type WaybillRequest } from './types';

const DEFAULT_BASE_URL = 'https://japi.zto.com';

export const ztoCredentials = z.object({
  appKey: z.string().min(1),
  appSecret: z.string().min(1),
});

export const ztoSettings = z.object({
  /** 电子面单账号 and its password, from the ZTO outlet */
  accountId: z.string().min(1),
  accountPassword: z.string().min(1).optional(),
  /** 客户编码 for group (集团) customers */
  customerId: z.string().min(1).optional(),
  /** 合作模式: 1 集团客户, 2 非集团客户 */
  partnerType: z.enum(['1', '2']).optional(),
  /** 1 全网件 (electronic waybill), 2 预约件 (pick-up booking) */
  orderType: z.enum(['1', '2']).optional(),
});

export type ZtoSettings = z.infer<typeof ztoSettings>;

/** x-dataDigest: Base64 of the MD5 of body + appSecret. */
export function ztoDataDigest(body: string, appSecret: string): string {
  return crypto.createHash('md5').update(body + appSecret, 'utf8').digest('base64');
}

function parseConn(conn: CarrierConnection) {
  const creds = ztoCredentials.safeParse(conn.credentials);
  if (!creds.success) throw new CarrierError('auth', `ZTO credentials incomplete: ${z.prettifyError(creds.error)}`);
  const settings = ztoSettings.safeParse(conn.settings);
  if (!settings.success) throw new CarrierError('rejected', `ZTO settings invalid: ${z.prettifyError(settings.error)}`);
  return { creds: creds.data, settings: settings.data };
}

/**
 * The gateway's own refusals. ZTO does not publish one code table for all methods, so an
 * authentication failure is recognised by its code where known and otherwise by its words.
 */
const AUTH_CODES = new Set(['S208', 'S209', 'S210', 'S211', 'S212']);
const AUTH_WORDS = /签名|验签|appKey|app_key|数字摘要|授权|无权限|未开通/i;
const BUSY_WORDS = /流控|限流|频繁|繁忙|系统异常|系统错误/;

function refusal(json: any, what: string): CarrierError {
  const code = String(json.statusCode ?? json.code ?? '');
  const message = String(json.message ?? json.msg ?? 'no message');
  const text = `${what}: ${code ? code + ' ' : ''}${message}`;
  if (AUTH_CODES.has(code) || AUTH_WORDS.test(message)) return new CarrierError('auth', text, code || undefined);
  if (BUSY_WORDS.test(message)) return new CarrierError('unavailable', text, code || undefined);
  return new CarrierError('rejected', text, code || undefined);
}

async function call(conn: CarrierConnection, method: string, payload: object, what: string): Promise<any> {
  const { creds } = parseConn(conn);
  const body = JSON.stringify(payload);
  const answer = await carrierRequest(
    {
      url: endpoint(conn.baseUrl, method),
      contentType: 'application/json;charset=UTF-8',
      headers: { 'x-appKey': creds.appKey, 'x-dataDigest': ztoDataDigest(body, creds.appSecret) },
      body,
      timeoutMs: conn.timeoutMs,
    },
    what,
  );
  const json = answer.json;
  if (typeof json.status !== 'boolean') throw new CarrierError('malformed', `${what}: no "status" in the answer`);
  if (!json.status) throw refusal(json, what);
  return json.result;
}

function sender(a: CarrierAddress) {
  return { senderName: a.name, senderMobile: a.phone, senderProvince: a.province, senderCity: a.city, senderDistrict: a.district, senderAddress: a.address };
}

function receiver(a: CarrierAddress) {
  return { receiverName: a.name, receiverMobile: a.phone, receiverProvince: a.province, receiverCity: a.city, receiverDistrict: a.district, receiverAddress: a.address };
}

async function createWaybill(conn: CarrierConnection, req: WaybillRequest): Promise<Waybill> {
  const { settings } = parseConn(conn);
  const what = `ZTO order ${req.reference}`;
  const payload = {
    partnerType: settings.partnerType ?? '2',
    orderType: settings.orderType ?? '1',
    partnerOrderCode: req.reference,
    accountInfo: {
      accountId: settings.accountId,
      type: 1,
      ...(settings.accountPassword ? { accountPassword: settings.accountPassword } : {}),
      ...(settings.customerId ? { customerId: settings.customerId } : {}),
    },
    senderInfo: sender(req.sender),
    receiveInfo: receiver(req.receiver),
    orderItems: req.items.map((i) => ({ name: i.name, quantity: i.qty })),
    summaryInfo: { quantity: req.pieces, ...(req.valueFen ? { price: (req.valueFen / 100).toFixed(2) } : {}) },
    // ZTO weighs the parcel itself; the declared weight helps the outlet plan pick-ups
    remark: [req.remark, `${kg(req.weightG)}kg ${cargoText(req.items, 30)}`].filter(Boolean).join(' / '),
  };
  const result = await call(conn, 'zto.open.createOrder', payload, what);
  const billCode = typeof result?.billCode === 'string' ? result.billCode.trim() : '';
  if (!billCode) throw new CarrierError('malformed', `${what}: no result.billCode in the answer`);
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  return {
    waybillNo: billCode,
    routingCode: str(result.bigMarkInfo?.mark),
    sortCenter: str(result.bigMarkInfo?.bagAddr),
    carrierOrderId: str(result.orderCode),
  };
}

async function cancelWaybill(conn: CarrierConnection, waybillNo: string, reference: string): Promise<void> {
  await call(conn, 'zto.open.cancelPreOrder', { cancelType: '1', billCode: waybillNo }, `ZTO cancel of ${reference} (${waybillNo})`);
}

export function ztoStatus(scanType: unknown): TrackingStatus {
  const s = String(scanType ?? '').toUpperCase();
  if (s === '收件' || s === 'GOT' || s === 'COLLECT') return 'picked_up';
  if (s === '发件' || s === '到件' || s === 'DEPARTURE' || s === 'ARRIVAL') return 'in_transit';
  if (s === '派件' || s === 'DISPATCH') return 'out_for_delivery';
  if (s === '签收' || s === '第三方签收' || s === 'SIGNED') return 'delivered';
  if (s === '问题件' || s === '退件' || s === '退回签收' || s === 'PROBLEM' || s === 'RETURN') return 'exception';
  return 'info';
}

async function track(conn: CarrierConnection, waybillNo: string, opts?: { phone?: string }): Promise<TrackingEvent[]> {
  const what = `ZTO tracking of ${waybillNo}`;
  // ZTO asks for the last four digits of the receiver's or sender's phone on merchant queries
  const payload = { billCode: waybillNo, ...(opts?.phone ? { mobilePhone: opts.phone.replace(/\D/g, '').slice(-4) } : {}) };
  const result = await call(conn, 'zto.merchant.waybill.track.query', payload, what);
  if (result == null) return [];
  if (!Array.isArray(result)) throw new CarrierError('malformed', `${what}: result is not a list`);
  return result
    .map((e: any) => {
      const at = typeof e?.scanDate === 'number' ? epochToChinaIso(e.scanDate) : chinaTimeToIso(e?.scanDate);
      if (!at) throw new CarrierError('malformed', `${what}: a scan has no scanDate`);
      const site = e.scanSite?.name;
      return { at, status: ztoStatus(e.scanType), description: String(e.desc ?? e.scanType ?? ''), location: typeof site === 'string' && site ? site : null, code: e.scanType === undefined || e.scanType === null ? null : String(e.scanType) };
    })
    .sort((a: TrackingEvent, b: TrackingEvent) => Date.parse(a.at) - Date.parse(b.at));
}

export const ztoAdapter: CarrierAdapter = {
  name: 'zto',
  title: '中通快递',
  defaultBaseUrl: DEFAULT_BASE_URL,
  credentialsSchema: ztoCredentials,
  settingsSchema: ztoSettings,
  createWaybill,
  cancelWaybill,
  track,
};
