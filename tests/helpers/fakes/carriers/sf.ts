/**
 * A fake SF open platform (丰桥 `/std/service`) on loopback. It checks the public parameters and
 * msgDigest = Base64(MD5(URLEncoder.encode(msgData + timestamp + checkWord, "UTF-8"))) as the
 * gateway does (A1001 / A1004 / A1006), then serves EXP_RECE_CREATE_ORDER (8016 on a repeated
 * orderId), EXP_RECE_SEARCH_ORDER_RESP, EXP_RECE_UPDATE_ORDER (dealType 1 确认, dealType 2 取消)
 * and EXP_RECE_SEARCH_ROUTES with apiResultData as a JSON string, as SF does. The digest is
 * computed here independently of the adapter.
 *
 * Confirming: the fake behaves like an account set to "不自动确认" (orders wait for dealType 1), and
 * answers with the codes of SF's EXP_RECE_UPDATE_ORDER page: 6136 no waybillNoInfoList, 8018 unknown
 * orderId, 8017 waybill not the order's, 8253 order cancelled, 8252 already confirmed. Confirmed
 * waybills are kept in `confirmed`, by waybill number; a second confirm leaves the entry as it was.
 */
import crypto from 'node:crypto';
import { chinaTime, formParams, routingCodeFor, sortCenterFor, startCarrierServer, waybillNumber, type FakeAnswer, type FakeState } from './base';
import type { FakeCarrier, FakeCarrierOptions, FakeWaybillRecord } from './types';

/** A dealType 1 the fake accepted, by waybill number: what SF was told at hand-over. */
export interface FakeSfConfirmation {
  /** our reference */
  orderId: string;
  waybillNo: string;
  /** totalWeight (kg) as received, null when the confirm carried none */
  weightKg: number | null;
  at: Date;
  /** msgData as received */
  request: any;
}

export type FakeSf = FakeCarrier & { confirmed: Map<string, FakeSfConfirmation> };

const DEFAULTS = { partnerId: 'ORIGINWMS_TEST', checkWord: 'sf-sandbox-checkword-0123456789ab' };
const SERVICES = new Set(['EXP_RECE_CREATE_ORDER', 'EXP_RECE_SEARCH_ORDER_RESP', 'EXP_RECE_UPDATE_ORDER', 'EXP_RECE_SEARCH_ROUTES']);

/** Java's URLEncoder, written out by hand: unreserved a-z A-Z 0-9 . - * _, space as '+'. */
function urlEncoderEncode(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-*_]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function gateway(code: string, msg: string): FakeAnswer {
  return { body: { apiResultCode: code, apiErrorMsg: msg, apiResponseID: crypto.randomUUID().replace(/-/g, ''), apiResultData: null } };
}

function ok(msgData: unknown): FakeAnswer {
  return { body: { apiResultCode: 'A1000', apiErrorMsg: '', apiResponseID: crypto.randomUUID().replace(/-/g, ''), apiResultData: JSON.stringify({ success: true, errorCode: 'S0000', errorMsg: null, msgData }) } };
}

function refuse(errorCode: string, errorMsg: string): FakeAnswer {
  return { body: { apiResultCode: 'A1000', apiErrorMsg: '', apiResponseID: crypto.randomUUID().replace(/-/g, ''), apiResultData: JSON.stringify({ success: false, errorCode, errorMsg, msgData: null }) } };
}

function orderMsg(reference: string, rec: FakeWaybillRecord) {
  const r = rec.request.contactInfoList.find((c: any) => c.contactType === 2);
  const dest = sortCenterFor(r.province, r.city);
  return {
    orderId: reference,
    originCode: '797',
    destCode: dest.slice(0, 3),
    filterResult: 2,
    remark: '',
    waybillNoInfoList: [{ waybillType: 1, waybillNo: rec.waybillNo }],
    routeLabelInfo: [
      {
        code: '1000',
        message: 'SUCCESS',
        routeLabelData: {
          waybillNo: rec.waybillNo,
          sourceTransferCode: '797WH',
          sourceCityCode: '797',
          destRouteLabel: rec.routingCode,
          destTransferCode: dest,
          destCityCode: dest.slice(0, 3),
          codingMapping: dest.slice(3),
          proCode: 'T4',
          twoDimensionCode: `MMM={'k1':'${dest}','k2':'${rec.routingCode}','k5':'${rec.waybillNo}'}`,
        },
      },
    ],
  };
}

function createOrder(msg: any, state: FakeState): FakeAnswer {
  if (!msg.orderId) return refuse('8013', '订单号不能为空');
  const contacts: any[] = Array.isArray(msg.contactInfoList) ? msg.contactInfoList : [];
  const sender = contacts.find((c) => c?.contactType === 1);
  const receiver = contacts.find((c) => c?.contactType === 2);
  if (!sender?.address) return refuse('1010', '寄件地址不能为空');
  if (!sender.contact) return refuse('1011', '寄件联系人不能为空');
  if (!sender.mobile && !sender.tel) return refuse('1012', '寄件电话不能为空');
  if (!receiver?.address) return refuse('1014', '到件地址不能为空');
  if (!receiver.contact) return refuse('1015', '到件联系人不能为空');
  if (!receiver.mobile && !receiver.tel) return refuse('1016', '到件电话不能为空');
  if (!Array.isArray(msg.cargoDetails) || msg.cargoDetails.length === 0 || !msg.cargoDetails[0]?.name) return refuse('8057', '托寄物信息不能为空');
  if (state.waybills.has(msg.orderId)) return refuse('8016', '重复下单');
  if (state.faults.refuseAddress) {
    // SF takes the order but marks it as not deliverable: filterResult 3, remark 1 收方超范围
    return ok({ orderId: msg.orderId, filterResult: 3, remark: '1', waybillNoInfoList: [], routeLabelInfo: [] });
  }
  const rec = { waybillNo: waybillNumber('sf'), routingCode: routingCodeFor(receiver.province ?? '', receiver.city ?? ''), cancelled: false, request: msg };
  state.waybills.set(msg.orderId, rec);
  return ok(orderMsg(msg.orderId, rec));
}

function confirmOrder(msg: any, state: FakeState, confirmed: Map<string, FakeSfConfirmation>): FakeAnswer {
  const rec = msg.orderId ? state.waybills.get(msg.orderId) : undefined;
  const list: any[] = Array.isArray(msg.waybillNoInfoList) ? msg.waybillNoInfoList : [];
  if (list.length === 0 || !list.some((w) => w?.waybillNo)) return refuse('6136', '未传入订单确认信息');
  if (!rec) return refuse('8018', '未获取到订单信息');
  if (!list.some((w) => w?.waybillNo === rec.waybillNo)) return refuse('8017', '订单号与运单号不匹配');
  if (rec.cancelled) return refuse('8253', '订单已取消');
  if (confirmed.has(rec.waybillNo)) return refuse('8252', '订单已确认');
  const weight = msg.totalWeight === undefined || msg.totalWeight === null ? null : Number(msg.totalWeight);
  if (weight !== null && !(weight > 0)) return refuse('1000', 'totalWeight 必须>0');
  confirmed.set(rec.waybillNo, { orderId: msg.orderId, waybillNo: rec.waybillNo, weightKg: weight, at: new Date(), request: msg });
  return ok({ orderId: msg.orderId, waybillNoInfoList: [{ waybillType: 1, waybillNo: rec.waybillNo }], resStatus: 2, extraInfoList: null });
}

function service(code: string, msg: any, state: FakeState, confirmed: Map<string, FakeSfConfirmation>): FakeAnswer {
  switch (code) {
    case 'EXP_RECE_CREATE_ORDER':
      return createOrder(msg, state);
    case 'EXP_RECE_SEARCH_ORDER_RESP': {
      const rec = msg.orderId ? state.waybills.get(msg.orderId) : undefined;
      return rec ? ok(orderMsg(msg.orderId, rec)) : refuse('8018', '未获取到订单信息');
    }
    case 'EXP_RECE_UPDATE_ORDER': {
      // dealType defaults to 1 (确认)
      if (String(msg.dealType ?? '1') === '1') return confirmOrder(msg, state, confirmed);
      if (String(msg.dealType) !== '2') return refuse('1000', `dealType ${msg.dealType} 不支持`);
      const rec = msg.orderId ? state.waybills.get(msg.orderId) : undefined;
      if (!rec) return refuse('8018', '未获取到订单信息');
      if (rec.cancelled) return refuse('8037', '已消单');
      rec.cancelled = true;
      return ok({ orderId: msg.orderId, waybillNoInfoList: [{ waybillType: 1, waybillNo: rec.waybillNo }], resStatus: 2 });
    }
    default: {
      const numbers: string[] = Array.isArray(msg.trackingNumber) ? msg.trackingNumber : [];
      if (numbers.length === 0) return refuse('8142', '查询单号不能为空');
      return ok({
        routeResps: numbers.map((mailNo) => ({
          mailNo,
          routes: (state.tracking.get(mailNo) ?? []).map((e) => ({ acceptTime: chinaTime(e.at), acceptAddress: '赣州市', remark: e.text, opCode: e.code })),
        })),
      });
    }
  }
}

export async function startFakeSf(opts: FakeCarrierOptions = {}): Promise<FakeSf> {
  const creds = { ...DEFAULTS, ...opts.credentials } as typeof DEFAULTS;
  const settings = { monthlyCard: '7551234567', expressTypeId: 1, coldExpressTypeId: 30, ...opts.settings };
  const confirmed = new Map<string, FakeSfConfirmation>();
  const fake = await startCarrierServer('/std/service', { credentials: creds, settings }, (req, state) => {
    if (req.path !== '/std/service') return { status: 404, body: 'Not Found' };
    if (req.method !== 'POST') return { status: 405, body: 'Method Not Allowed' };
    const p = formParams(req.body);
    for (const k of ['partnerID', 'requestID', 'serviceCode', 'timestamp', 'msgDigest', 'msgData']) if (!p[k]) return gateway('A1001', `必传参数不可为空: ${k}`);
    if (p.partnerID !== creds.partnerId || !SERVICES.has(p.serviceCode)) return gateway('A1004', '无对应服务权限');
    const digest = crypto.createHash('md5').update(urlEncoderEncode(p.msgData + p.timestamp + creds.checkWord), 'utf8').digest('base64');
    if (digest !== p.msgDigest) return gateway('A1006', '数字签名无效');
    let msg: any;
    try {
      msg = JSON.parse(p.msgData);
    } catch {
      return refuse('1000', 'msgData 报文格式错误');
    }
    return service(p.serviceCode, msg, state, confirmed);
  });
  return Object.assign(fake, { confirmed });
}
