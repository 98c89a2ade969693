/**
 * A fake ZTO open-platform gateway on loopback: JSON bodies to `/<method>` with `x-appKey` and
 * `x-dataDigest` = Base64(MD5(body + appSecret)) over the raw bytes received, answering
 * `{status, message, statusCode, result}`. Serves zto.open.createOrder (a repeated
 * partnerOrderCode returns the order already made), zto.open.cancelPreOrder and
 * zto.merchant.waybill.track.query. The digest is computed here independently of the adapter.
 *
 * ZTO publishes no single table of gateway codes; the statusCode values below for signature and
 * key failures are the fake's own, the adapter recognises those failures by their words too.
 */
import crypto from 'node:crypto';
import { routingCodeFor, startCarrierServer, waybillNumber, type FakeAnswer, type FakeState } from './base';
import type { FakeCarrier, FakeCarrierOptions } from './types';

const DEFAULTS = { appKey: 'zto-test-appkey', appSecret: 'zto-test-appsecret' };
const METHODS = new Set(['zto.open.createOrder', 'zto.open.cancelPreOrder', 'zto.merchant.waybill.track.query']);

const fail = (statusCode: string, message: string): FakeAnswer => ({ body: { status: false, message, statusCode, result: null } });
const ok = (result: unknown): FakeAnswer => ({ body: { status: true, message: '', statusCode: '', result } });

/** 集包地: the bag destination printed under the 三段码. */
function bagAddr(province: string, city: string): string {
  return `${city.replace(/市$/, '') || province}中心`;
}

function createOrder(body: any, settings: Record<string, unknown>, state: FakeState): FakeAnswer {
  if (!body.partnerOrderCode) return fail('E1001', 'partnerOrderCode 不能为空');
  if (!body.accountInfo?.accountId) return fail('E1001', 'accountInfo.accountId 不能为空');
  if (body.accountInfo.accountId !== settings.accountId) return fail('E1003', '电子面单账号不存在或密码错误');
  for (const f of ['senderName', 'senderMobile', 'senderProvince', 'senderCity', 'senderAddress']) if (!body.senderInfo?.[f]) return fail('E1001', `senderInfo.${f} 不能为空`);
  for (const f of ['receiverName', 'receiverMobile', 'receiverProvince', 'receiverCity', 'receiverAddress']) if (!body.receiveInfo?.[f]) return fail('E1001', `receiveInfo.${f} 不能为空`);
  const r = body.receiveInfo;
  let rec = state.waybills.get(body.partnerOrderCode);
  if (!rec) {
    if (state.faults.refuseAddress) return fail('E2001', '收件地址超区,该地址不在中通派送范围内');
    rec = { waybillNo: waybillNumber('zto'), routingCode: routingCodeFor(r.receiverProvince, r.receiverCity), cancelled: false, request: body };
    state.waybills.set(body.partnerOrderCode, rec);
  }
  return ok({
    orderCode: '2' + rec.waybillNo.slice(1) + '01',
    billCode: rec.waybillNo,
    partnerOrderCode: body.partnerOrderCode,
    siteCode: '79701',
    siteName: '赣州南康',
    bigMarkInfo: { mark: rec.routingCode, bagAddr: bagAddr(r.receiverProvince, r.receiverCity) },
  });
}

function handle(method: string, body: any, settings: Record<string, unknown>, state: FakeState): FakeAnswer {
  if (method === 'zto.open.createOrder') return createOrder(body, settings, state);
  if (method === 'zto.open.cancelPreOrder') {
    if (!body.billCode && !body.orderCode) return fail('E1001', 'billCode 与 orderCode 不能同时为空');
    const rec = [...state.waybills.values()].find((w) => w.waybillNo === body.billCode || '2' + w.waybillNo.slice(1) + '01' === body.orderCode);
    if (!rec) return fail('E3001', '订单不存在');
    rec.cancelled = true;
    return ok(null);
  }
  if (!body.billCode) return fail('E1001', 'billCode 不能为空');
  return ok(
    (state.tracking.get(body.billCode) ?? []).map((e) => ({
      scanType: e.code,
      scanDate: e.at.getTime(),
      desc: e.text,
      scanSite: { name: '赣州南康', code: '79701', prov: '江西省', city: '赣州市' },
    })),
  );
}

export async function startFakeZto(opts: FakeCarrierOptions = {}): Promise<FakeCarrier> {
  const creds = { ...DEFAULTS, ...opts.credentials } as typeof DEFAULTS;
  const settings = { accountId: 'ZTO-EBILL-797001', accountPassword: 'ebill-pass', ...opts.settings };
  return startCarrierServer('', { credentials: creds, settings }, (req, state) => {
    const method = req.path.replace(/^\//, '');
    if (!METHODS.has(method)) return { status: 404, body: 'Not Found' };
    if (req.method !== 'POST') return { status: 405, body: 'Method Not Allowed' };
    const appKey = req.headers['x-appkey'];
    const digest = req.headers['x-datadigest'];
    if (!appKey || !digest) return fail('S207', '缺少 x-appKey 或 x-dataDigest');
    if (appKey !== creds.appKey) return fail('S208', 'appKey 不存在或未开通该接口');
    const expected = crypto.createHash('md5').update(req.body + creds.appSecret, 'utf8').digest('base64');
    if (digest !== expected) return fail('S209', '签名校验失败');
    let body: any;
    try {
      body = JSON.parse(req.body);
    } catch {
      return fail('S201', '请求体不是合法的 JSON');
    }
    return handle(method, body, settings, state);
  });
}
