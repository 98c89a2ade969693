/** Kuaidi100's subscription push: verified with the salt over the exact param text, then parsed. */
import crypto from 'node:crypto';
import { kuaidi100Adapter as adapter, kuaidi100PushSign, KUAIDI100_PUSH_ANSWER } from '../../../integrations/carriers/kuaidi100';
import { CarrierPushRefused, type CarrierConnection } from '../../../integrations/carriers/types';
import { kuaidi100PushForm } from '../../helpers/fakes/carriers/kuaidi100';

const SALT = 'salt-123';
const conn = (salt?: string): CarrierConnection => ({
  baseUrl: 'http://127.0.0.1:9',
  credentials: { key: 'k', secret: 's', customer: 'C', ...(salt ? { salt } : {}) },
  settings: { kuaidicom: 'zhongtong' },
});
const t0 = Date.parse('2026-12-06T08:00:00+08:00');
const events = [
  { at: new Date(t0), code: '103', text: '已揽收' },
  { at: new Date(t0 + 3600_000), code: '1002', text: '干线运输' },
  { at: new Date(t0 + 7200_000), code: '301', text: '本人签收' },
];
const parse = (body: string, salt = SALT, contentType = 'application/x-www-form-urlencoded') => adapter.parsePush!(conn(salt), { rawBody: Buffer.from(body), contentType });
const refusal = (fn: () => unknown): CarrierPushRefused => {
  try {
    fn();
  } catch (err) {
    if (err instanceof CarrierPushRefused) return err;
    throw err;
  }
  throw new Error('not refused');
};

test('signs as upper-case MD5(param + salt)', () => {
  expect(kuaidi100PushSign('{"a":1}', 'x')).toBe(crypto.createHash('md5').update('{"a":1}x').digest('hex').toUpperCase());
});

test('a signed push: events oldest first with statuses and codes, and the answer Kuaidi100 expects', () => {
  const push = parse(kuaidi100PushForm({ waybillNo: '731234567890', salt: SALT, events }));
  expect(push.answer).toEqual(KUAIDI100_PUSH_ANSWER);
  expect(push.waybills).toHaveLength(1);
  const [w] = push.waybills;
  expect(w.waybillNo).toBe('731234567890');
  expect(w.events.map((e) => [e.status, e.code, e.description])).toEqual([
    ['picked_up', '103', '已揽收'],
    ['in_transit', '1002', '干线运输'],
    ['delivered', '301', '本人签收'],
  ]);
  expect(Date.parse(w.events[0].at)).toBe(t0);
});

test('without advanced codes the overall state describes the newest event', () => {
  const push = parse(kuaidi100PushForm({ waybillNo: '731234567890', salt: SALT, events, advanced: false }));
  expect(push.waybills[0].events.map((e) => e.status)).toEqual(['info', 'info', 'delivered']);
});

test('forged, unsigned, unverifiable and malformed pushes are refused', () => {
  const good = kuaidi100PushForm({ waybillNo: '731234567890', salt: SALT, events });
  expect(refusal(() => parse(kuaidi100PushForm({ waybillNo: '731234567890', salt: 'other', events }))).kind).toBe('forged');
  expect(refusal(() => parse(kuaidi100PushForm({ waybillNo: '731234567890', salt: null, events }))).kind).toBe('unsigned');
  // no salt configured: nothing can be verified, so nothing is believed
  expect(refusal(() => parse(good, '')).kind).toBe('unsigned');
  expect(refusal(() => parse('foo=bar')).kind).toBe('malformed');
  const param = '{not json';
  expect(refusal(() => parse(new URLSearchParams({ param, sign: kuaidi100PushSign(param, SALT) }).toString())).kind).toBe('malformed');
  const noNu = JSON.stringify({ status: 'polling', lastResult: { data: [] } });
  expect(refusal(() => parse(new URLSearchParams({ param: noNu, sign: kuaidi100PushSign(noNu, SALT) }).toString())).kind).toBe('malformed');
});

test('the same push as JSON {param, sign} is accepted too', () => {
  const form = new URLSearchParams(kuaidi100PushForm({ waybillNo: '731234567890', salt: SALT, events }));
  const push = parse(JSON.stringify({ param: form.get('param'), sign: form.get('sign') }), SALT, 'application/json');
  expect(push.waybills[0].events).toHaveLength(3);
});
