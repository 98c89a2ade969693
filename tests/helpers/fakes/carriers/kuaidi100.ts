/**
 * A fake Kuaidi100 on loopback: `label/order` (method order / cancel, sign = upper-case MD5 of
 * param + t + key + secret), `poll/query.do` (sign = upper-case MD5 of param + key + customer) and
 * the subscription `poll` (form schema + param with the key inside; 600 wrong key, 700 bad data,
 * 501 重复订阅 while the number is still tracked), answering in Kuaidi100's formats and return
 * codes. The signatures are recomputed here on their own, apart from the adapter's, so a mistake
 * on either side fails the tests. Accepted subscriptions are kept in `subscriptions`.
 */
import crypto from 'node:crypto';
import { chinaTime, formParams, routingCodeFor, sortCenterFor, splitPrintAddr, startCarrierServer, waybillNumber, type FakeAnswer, type FakeState } from './base';
import type { FakeCarrier, FakeCarrierOptions, FakeTrackingEvent } from './types';

/** A subscription the fake accepted, by waybill number: where and how Kuaidi100 would push. */
export interface FakeKuaidi100Subscription {
  company: string;
  number: string;
  callbackurl: string;
  /** null when the subscription named none (pushes then go unsigned) */
  salt: string | null;
  resultv2: string | null;
  phone: string | null;
  at: Date;
}

export type FakeKuaidi100 = FakeCarrier & { subscriptions: Map<string, FakeKuaidi100Subscription> };

const DEFAULTS = { key: 'kd100-test-key', secret: 'kd100-test-secret', customer: 'KD100CUSTOMER01' };

const upperMd5 = (s: string) => crypto.createHash('md5').update(s, 'utf8').digest('hex').toUpperCase();
const fail = (returnCode: string, message: string): FakeAnswer => ({ body: { result: false, returnCode, message } });

/** The underlying carrier's number format. */
function numberFor(kuaidicom: string): string {
  if (kuaidicom === 'shunfeng') return waybillNumber('sf');
  if (kuaidicom === 'zhongtong') return waybillNumber('zto');
  if (kuaidicom === 'yuantong') return waybillNumber('yto');
  return waybillNumber('other');
}

/** Advanced state names, for the `status` text of each event. */
const STATE_NAMES: Record<string, string> = { '1': '揽收', '103': '已揽收', '0': '在途', '1002': '干线', '5': '派件', '501': '投柜或驿站', '3': '签收', '301': '本人签收', '2': '疑难', '14': '拒签', '6': '退回' };

function basicState(code: string): string {
  if (code.length < 3) return code;
  return code.startsWith('100') ? '0' : code[0];
}

function label(p: Record<string, string>, creds: typeof DEFAULTS, state: FakeState): FakeAnswer {
  for (const k of ['method', 'key', 'sign', 't', 'param']) if (!p[k]) return fail('30001', `参数错误: 缺少 ${k}`);
  if (p.key !== creds.key) return fail('30003', '账号信息不正确');
  if (upperMd5(p.param + p.t + p.key + creds.secret) !== p.sign) return fail('30002', '验证签名失败');
  let param: any;
  try {
    param = JSON.parse(p.param);
  } catch {
    return fail('30001', '参数错误: param 不是 JSON');
  }
  if (p.method === 'cancel') {
    if (!param.kuaidicom || !param.kuaidinum) return fail('30001', '参数错误: kuaidicom / kuaidinum 不能为空');
    const rec = [...state.waybills.values()].find((w) => w.waybillNo === param.kuaidinum);
    if (!rec) return fail('30001', '取消失败: 单号不存在');
    rec.cancelled = true;
    return { body: { result: true, returnCode: '200', message: '提交成功', data: null } };
  }
  if (p.method !== 'order') return fail('30001', `参数错误: 不支持的 method ${p.method}`);
  if (!param.kuaidicom) return fail('30001', '参数错误: kuaidicom 不能为空');
  for (const who of ['recMan', 'sendMan']) {
    for (const f of ['name', 'mobile', 'printAddr']) if (!param[who]?.[f]) return fail('30001', `参数错误: ${who}.${f} 不能为空`);
  }
  if (state.faults.refuseAddress) return fail('30001', '快递公司返回: 收件地址超区,该地区暂不提供派送服务');
  const reference = typeof param.orderId === 'string' && param.orderId ? param.orderId : crypto.randomUUID();
  let rec = state.waybills.get(reference);
  const where = splitPrintAddr(param.recMan.printAddr);
  if (!rec) {
    rec = { waybillNo: numberFor(param.kuaidicom), routingCode: routingCodeFor(where.province, where.city), cancelled: false, request: param };
    state.waybills.set(reference, rec);
  }
  const dest = sortCenterFor(where.province, where.city);
  return {
    body: {
      result: true,
      returnCode: '200',
      message: '提交成功',
      data: { taskId: crypto.createHash('md5').update(reference).digest('hex').slice(0, 24).toUpperCase(), kuaidinum: rec.waybillNo, childNum: '', returnNum: '', label: '', bulkpen: rec.routingCode, orgCode: '', orgName: '', destCode: dest.slice(0, 3), destName: where.city, orgSortingCode: '', orgSortingName: '', destSortingCode: dest, destSortingName: `${where.city}转运中心`, kdComOrderNum: '' },
    },
  };
}

function query(p: Record<string, string>, creds: typeof DEFAULTS, state: FakeState): FakeAnswer {
  for (const k of ['customer', 'sign', 'param']) if (!p[k]) return fail('400', '提交的数据不完整,或者贵公司没授权');
  if (p.customer !== creds.customer) return fail('600', '您不是合法的订阅者(即授权Key出错)');
  if (upperMd5(p.param + creds.key + p.customer) !== p.sign) return fail('503', '验证签名失败');
  let param: any;
  try {
    param = JSON.parse(p.param);
  } catch {
    return fail('400', '提交的数据不完整: param 不是 JSON');
  }
  if (!param.com || !param.num) return fail('400', '找不到对应公司');
  const events = state.tracking.get(param.num) ?? [];
  if (events.length === 0) return fail('500', '查询无结果,请隔段时间再查');
  const advanced = ['4', '8'].includes(String(param.resultv2 ?? ''));
  const data = events.map((e) => ({
    time: chinaTime(e.at),
    ftime: chinaTime(e.at),
    context: e.text,
    ...(advanced ? { status: STATE_NAMES[e.code] ?? '在途', statusCode: e.code, areaName: '' } : {}),
  }));
  if (param.order !== 'asc') data.reverse();
  const last = events[events.length - 1];
  const state0 = basicState(last.code);
  return { body: { message: 'ok', nu: param.num, ischeck: state0 === '3' ? '1' : '0', condition: 'F00', com: param.com, status: '200', state: state0, data } };
}

function subscribe(p: Record<string, string>, creds: typeof DEFAULTS, subscriptions: Map<string, FakeKuaidi100Subscription>): FakeAnswer {
  if (p.schema && p.schema !== 'json') return fail('700', `订阅数据错误: 不支持的 schema ${p.schema}`);
  let param: any;
  try {
    param = JSON.parse(p.param ?? '');
  } catch {
    return fail('700', '订阅数据错误: param 不是 JSON');
  }
  if (!param || param.key !== creds.key) return fail('600', '您不是合法的订阅者(即授权Key出错)');
  const company = typeof param.company === 'string' ? param.company : '';
  const number = typeof param.number === 'string' ? param.number.trim() : '';
  if (!/^[a-z0-9]+$/.test(company)) return fail('700', '订阅数据错误: 不支持的快递公司');
  if (number.length < 6 || number.length > 32) return fail('700', '订阅数据错误: 单号为空或长度不对');
  const parameters = param.parameters ?? {};
  const callbackurl = typeof parameters.callbackurl === 'string' ? parameters.callbackurl : '';
  if (!/^https?:\/\/[^\s]+$/.test(callbackurl)) return fail('700', '订阅数据错误: 错误的回调地址');
  const earlier = subscriptions.get(number);
  if (earlier && earlier.company === company) return fail('501', '重复订阅');
  const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
  subscriptions.set(number, { company, number, callbackurl, salt: str(parameters.salt), resultv2: str(parameters.resultv2), phone: str(parameters.phone), at: new Date() });
  return { body: { result: true, returnCode: '200', message: '提交成功' } };
}

export async function startFakeKuaidi100(opts: FakeCarrierOptions = {}): Promise<FakeKuaidi100> {
  const creds = { ...DEFAULTS, ...opts.credentials } as typeof DEFAULTS;
  const settings = { kuaidicom: 'zhongtong', partnerId: 'ZTO-OUTLET-0571', partnerKey: 'outlet-pass', ...opts.settings };
  const subscriptions = new Map<string, FakeKuaidi100Subscription>();
  const fake = await startCarrierServer('', { credentials: creds, settings }, (req, state) => {
    if (req.method !== 'POST') return { status: 405, body: 'Method Not Allowed' };
    const p = formParams(req.body);
    if (req.path === '/label/order') return label(p, creds, state);
    if (req.path === '/poll/query.do') return query(p, creds, state);
    if (req.path === '/poll') return subscribe(p, creds, subscriptions);
    return { status: 404, body: 'Not Found' };
  });
  return Object.assign(fake, { subscriptions });
}

/**
 * The form body of a Kuaidi100 subscription push (推送接口), as Kuaidi100 POSTs it to the callback
 * url: `param` is `{status, message, lastResult: {state, nu, com, data}}` with the events newest
 * first, and `sign` = upper-case MD5(param + salt) when the subscription named a salt. `sign`
 * overrides the signature (a forged push); salt null sends none.
 */
export function kuaidi100PushForm(opts: { waybillNo: string; com?: string; salt: string | null; events: FakeTrackingEvent[]; sign?: string; advanced?: boolean }): string {
  const events = [...opts.events].sort((a, b) => a.at.getTime() - b.at.getTime());
  const last = events[events.length - 1];
  const state = last ? basicState(last.code) : '0';
  const advanced = opts.advanced ?? true;
  const data = events
    .map((e) => ({ context: e.text, time: chinaTime(e.at), ftime: chinaTime(e.at), ...(advanced ? { status: STATE_NAMES[e.code] ?? '在途', statusCode: e.code, areaName: '' } : {}) }))
    .reverse();
  const param = JSON.stringify({
    status: state === '3' ? 'shutdown' : 'polling',
    billstatus: 'got',
    message: '',
    autoCheck: '0',
    comOld: '',
    comNew: '',
    lastResult: { message: 'ok', state, status: '200', condition: 'F00', ischeck: state === '3' ? '1' : '0', com: opts.com ?? 'zhongtong', nu: opts.waybillNo, data },
  });
  const form: Record<string, string> = { param };
  if (opts.sign !== undefined) form.sign = opts.sign;
  else if (opts.salt !== null) form.sign = upperMd5(param + opts.salt);
  return new URLSearchParams(form).toString();
}
