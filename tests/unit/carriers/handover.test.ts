/**
 * The hand-over calls against the fakes over loopback HTTP: SF's 订单确认 (EXP_RECE_UPDATE_ORDER
 * dealType 1) per parcel, and Kuaidi100's 订阅 (poll) that makes the tracking pushes come.
 */
import { kuaidi100Adapter } from '../../../integrations/carriers/kuaidi100';
import { sfAdapter } from '../../../integrations/carriers/sf';
import type { CarrierConnection } from '../../../integrations/carriers/types';
import { startFakeKuaidi100, type FakeKuaidi100 } from '../../helpers/fakes/carriers/kuaidi100';
import { startFakeSf, type FakeSf } from '../../helpers/fakes/carriers/sf';
import { rejection, waybillRequest } from './contract';

const NO_FAULTS = { error500: false, timeout: false, malformed: false, refuseAddress: false };

describe('SF hand-over (订单确认)', () => {
  let fake: FakeSf;
  let conn: CarrierConnection;
  const confirm = sfAdapter.confirmHandover!;

  beforeAll(async () => {
    fake = await startFakeSf();
    conn = { baseUrl: fake.baseUrl, credentials: fake.credentials, settings: fake.settings, timeoutMs: 5_000 };
  });
  afterAll(() => fake.close());
  afterEach(() => {
    fake.faults = { ...NO_FAULTS };
  });

  async function parcel(weightG = 5230) {
    const req = waybillRequest({ weightG });
    const wb = await sfAdapter.createWaybill(conn, req);
    return { waybillNo: wb.waybillNo, reference: req.reference, weightG };
  }

  it('confirms each parcel with its waybill and the weighed weight in kg', async () => {
    const a = await parcel(5230);
    const b = await parcel(880);
    const outcomes = await confirm(conn, [a, b]);
    expect(outcomes).toEqual([
      { waybillNo: a.waybillNo, outcome: 'confirmed', detail: null },
      { waybillNo: b.waybillNo, outcome: 'confirmed', detail: null },
    ]);
    expect(fake.confirmed.get(a.waybillNo)).toMatchObject({ orderId: a.reference, waybillNo: a.waybillNo, weightKg: 5.23 });
    expect(fake.confirmed.get(b.waybillNo)).toMatchObject({ orderId: b.reference, weightKg: 0.88 });
    expect(fake.confirmed.get(a.waybillNo)?.request).toMatchObject({ dealType: 1, waybillNoInfoList: [{ waybillType: 1, waybillNo: a.waybillNo }] });
  });

  it('refuses an unknown order with SF’s code and still confirms the other parcel of the call', async () => {
    const good = await parcel();
    const stranger = { waybillNo: 'SF1000000000001', reference: `WB-NOT-ISSUED-${Date.now()}`, weightG: 1000 };
    const outcomes = await confirm(conn, [stranger, good]);
    expect(outcomes).toEqual([
      { waybillNo: stranger.waybillNo, outcome: 'refused', detail: '8018 未获取到订单信息' },
      { waybillNo: good.waybillNo, outcome: 'confirmed', detail: null },
    ]);
    expect(fake.confirmed.has(stranger.waybillNo)).toBe(false);
    expect(fake.confirmed.get(good.waybillNo)?.orderId).toBe(good.reference);
  });

  it('refuses a cancelled order, and takes a second confirm (8252) as confirmed', async () => {
    const cancelled = await parcel();
    await sfAdapter.cancelWaybill(conn, cancelled.waybillNo, cancelled.reference);
    const twice = await parcel(2000);
    await confirm(conn, [twice]);
    const first = fake.confirmed.get(twice.waybillNo);
    const outcomes = await confirm(conn, [cancelled, twice]);
    expect(outcomes[0]).toMatchObject({ waybillNo: cancelled.waybillNo, outcome: 'refused', detail: expect.stringMatching(/^8253 /) });
    expect(outcomes[1]).toEqual({ waybillNo: twice.waybillNo, outcome: 'confirmed', detail: '8252 订单已确认' });
    expect(fake.confirmed.has(cancelled.waybillNo)).toBe(false);
    expect(fake.confirmed.get(twice.waybillNo)).toBe(first);
    expect(first?.weightKg).toBe(2);
  });

  it('refuses a waybill that is not the order’s (8017)', async () => {
    const a = await parcel();
    const b = await parcel();
    const [outcome] = await confirm(conn, [{ ...a, waybillNo: b.waybillNo }]);
    expect(outcome).toMatchObject({ waybillNo: b.waybillNo, outcome: 'refused', detail: expect.stringMatching(/^8017 /) });
    expect(fake.confirmed.has(a.waybillNo)).toBe(false);
    expect(fake.confirmed.has(b.waybillNo)).toBe(false);
  });

  it('answers nothing for no parcels, without a call', async () => {
    const before = fake.requests;
    await expect(confirm(conn, [])).resolves.toEqual([]);
    expect(fake.requests).toBe(before);
  });

  it('throws a retryable CarrierError on HTTP 500', async () => {
    const p = await parcel();
    fake.faults.error500 = true;
    const err = await rejection(confirm(conn, [p]));
    expect(err.kind).toBe('unavailable');
    expect(err.retryable).toBe(true);
  });

  it('throws a retryable CarrierError when SF does not answer', async () => {
    const p = await parcel();
    fake.faults.timeout = true;
    const err = await rejection(confirm({ ...conn, timeoutMs: 300 }, [p]));
    expect(err.kind).toBe('timeout');
    expect(err.retryable).toBe(true);
    expect(fake.confirmed.has(p.waybillNo)).toBe(false);
  });

  it('throws auth on a refused signature (A1006) instead of refusing the parcels', async () => {
    const p = await parcel();
    const err = await rejection(confirm({ ...conn, credentials: { ...fake.credentials, checkWord: 'not-the-check-word' } }, [p]));
    expect(err).toMatchObject({ kind: 'auth', carrierCode: 'A1006' });
  });
});

describe('Kuaidi100 tracking subscription (订阅)', () => {
  const SALT = 'kd100-push-salt-unit';
  const CALLBACK = 'https://wms.example.com/api/v1/carriers/7/push';
  let fake: FakeKuaidi100;
  let conn: CarrierConnection;
  const subscribe = kuaidi100Adapter.subscribeTracking!;

  beforeAll(async () => {
    fake = await startFakeKuaidi100();
    conn = { baseUrl: fake.baseUrl, credentials: { ...fake.credentials, salt: SALT }, settings: fake.settings, timeoutMs: 5_000 };
  });
  afterAll(() => fake.close());
  afterEach(() => {
    fake.faults = { ...NO_FAULTS };
  });

  async function waybillNo() {
    return (await kuaidi100Adapter.createWaybill(conn, waybillRequest())).waybillNo;
  }

  it('subscribes the waybill under the carrier’s company code, with our callback url and salt', async () => {
    const no = await waybillNo();
    await expect(subscribe(conn, no, { callbackUrl: CALLBACK, phone: '13812345678' })).resolves.toBeUndefined();
    expect(fake.subscriptions.get(no)).toMatchObject({ company: 'zhongtong', number: no, callbackurl: CALLBACK, salt: SALT, resultv2: '1', phone: '13812345678' });
  });

  it('resolves on a repeat (501 重复订阅) and keeps the first subscription', async () => {
    const no = await waybillNo();
    await subscribe(conn, no, { callbackUrl: CALLBACK });
    const first = fake.subscriptions.get(no);
    const before = fake.requests;
    await expect(subscribe(conn, no, { callbackUrl: `${CALLBACK}?again=1` })).resolves.toBeUndefined();
    expect(fake.requests - before).toBe(1);
    expect(fake.subscriptions.get(no)).toBe(first);
  });

  it('reports a key Kuaidi100 does not know as auth (600)', async () => {
    const no = await waybillNo();
    const err = await rejection(subscribe({ ...conn, credentials: { ...conn.credentials, key: 'not-our-key' } }, no, { callbackUrl: CALLBACK }));
    expect(err).toMatchObject({ kind: 'auth', carrierCode: '600' });
    expect(err.retryable).toBe(false);
    expect(fake.subscriptions.has(no)).toBe(false);
  });

  it('refuses to subscribe without a salt, before asking Kuaidi100', async () => {
    const no = await waybillNo();
    const { salt: _, ...noSalt } = conn.credentials;
    const before = fake.requests;
    const err = await rejection(subscribe({ ...conn, credentials: noSalt }, no, { callbackUrl: CALLBACK }));
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/salt/);
    expect(err.message).toMatch(/could not be verified/);
    expect(fake.requests).toBe(before);
    expect(fake.subscriptions.has(no)).toBe(false);
  });

  it('reports bad subscription data (700) as rejected', async () => {
    const no = await waybillNo();
    const err = await rejection(subscribe(conn, no, { callbackUrl: 'not a url' }));
    expect(err).toMatchObject({ kind: 'rejected', carrierCode: '700' });
  });

  it('maps HTTP 500 and no answer to retryable errors', async () => {
    const no = await waybillNo();
    fake.faults.error500 = true;
    expect((await rejection(subscribe(conn, no, { callbackUrl: CALLBACK }))).kind).toBe('unavailable');
    fake.faults = { ...NO_FAULTS, timeout: true };
    const err = await rejection(subscribe({ ...conn, timeoutMs: 300 }, no, { callbackUrl: CALLBACK }));
    expect(err.kind).toBe('timeout');
    expect(err.retryable).toBe(true);
  });

  it('subscribes on the tracking host when one is set', async () => {
    const no = await waybillNo();
    // the label host is unreachable; only the tracking base may be used for poll
    await subscribe({ ...conn, baseUrl: 'http://127.0.0.1:1', settings: { ...fake.settings, trackingBaseUrl: fake.baseUrl } }, no, { callbackUrl: CALLBACK });
    expect(fake.subscriptions.get(no)?.callbackurl).toBe(CALLBACK);
  });
});
