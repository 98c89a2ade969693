/**
 * What every HTTP carrier adapter must do against its fake, written once: waybill and routing
 * code, the same waybill for a repeated reference, cancel, tracking, refused credentials and each
 * fault switch mapped to its CarrierError kind.
 */
import { CarrierError, type CarrierAdapter, type CarrierConnection, type TrackingStatus, type WaybillRequest } from '../../../integrations/carriers/types';
import type { FakeCarrier } from '../../helpers/fakes/carriers/types';

let seq = 0;
export function waybillRequest(over: Partial<WaybillRequest> = {}): WaybillRequest {
  seq++;
  return {
    reference: `WB-${process.pid}-${Date.now()}-${seq}`,
    sender: { name: '南康产地仓', phone: '13907970001', province: '江西省', city: '赣州市', district: '南康区', address: '龙岭镇工业园 8 号', company: '赣南脐橙合作社' },
    receiver: { name: '王小明', phone: '13812345678', province: '浙江省', city: '杭州市', district: '西湖区', address: '文三路 90 号 3 幢 501' },
    weightG: 5200,
    pieces: 1,
    temperature: 'ambient',
    items: [{ name: '赣南脐橙 5kg', qty: 1 }],
    valueFen: 8800,
    remark: null,
    ...over,
  };
}

export async function rejection(p: Promise<unknown>): Promise<CarrierError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CarrierError);
  return err as CarrierError;
}

export const ROUTING_CODE = /^\d{3}-[A-Z]\d{2} \d{2}$/;

export interface ContractCase {
  adapter: CarrierAdapter;
  start: () => Promise<FakeCarrier>;
  waybillFormat: RegExp;
  /** carrier codes for addTracking and the status each must map to */
  trackingCodes: Array<[code: string, status: TrackingStatus]>;
  /** credentials that are well-formed but wrong */
  wrongCredentials: (good: Record<string, string>) => Record<string, string>;
  /** the receiver's phone when the carrier asks for it on tracking */
  phone?: string;
}

export function carrierContract(c: ContractCase): void {
  let fake: FakeCarrier;
  let conn: CarrierConnection;

  beforeAll(async () => {
    fake = await c.start();
    conn = { baseUrl: fake.baseUrl, credentials: fake.credentials, settings: fake.settings, timeoutMs: 5_000 };
  });
  afterAll(() => fake.close());
  afterEach(() => {
    fake.faults = { error500: false, timeout: false, malformed: false, refuseAddress: false };
  });

  it('creates a waybill with its routing code', async () => {
    const req = waybillRequest();
    const wb = await c.adapter.createWaybill(conn, req);
    expect(wb.waybillNo).toMatch(c.waybillFormat);
    expect(wb.routingCode).toMatch(ROUTING_CODE);
    expect(fake.waybills.get(req.reference)).toMatchObject({ waybillNo: wb.waybillNo, routingCode: wb.routingCode, cancelled: false });
  });

  it('answers a repeated reference with the same waybill, and another reference with another', async () => {
    const req = waybillRequest();
    const first = await c.adapter.createWaybill(conn, req);
    const again = await c.adapter.createWaybill(conn, req);
    const other = await c.adapter.createWaybill(conn, waybillRequest());
    expect(again.waybillNo).toBe(first.waybillNo);
    expect(again.routingCode).toBe(first.routingCode);
    expect(other.waybillNo).not.toBe(first.waybillNo);
  });

  it('gives the same routing code for the same destination', async () => {
    const a = await c.adapter.createWaybill(conn, waybillRequest());
    const b = await c.adapter.createWaybill(conn, waybillRequest());
    const elsewhere = await c.adapter.createWaybill(conn, waybillRequest({ receiver: { name: '李四', phone: '13600000000', province: '广东省', city: '深圳市', district: '南山区', address: '科技南十二路 2 号' } }));
    expect(b.routingCode).toBe(a.routingCode);
    expect(elsewhere.routingCode).not.toBe(a.routingCode);
  });

  it('cancels a waybill, and a second cancel resolves too', async () => {
    const req = waybillRequest();
    const wb = await c.adapter.createWaybill(conn, req);
    await c.adapter.cancelWaybill(conn, wb.waybillNo, req.reference);
    expect(fake.waybills.get(req.reference)?.cancelled).toBe(true);
    await expect(c.adapter.cancelWaybill(conn, wb.waybillNo, req.reference)).resolves.toBeUndefined();
  });

  it('maps tracking events to statuses, oldest first, in Beijing time', async () => {
    const wb = await c.adapter.createWaybill(conn, waybillRequest());
    const t0 = Date.UTC(2024, 10, 11, 1, 0, 0); // 09:00 Beijing
    fake.addTracking(
      wb.waybillNo,
      c.trackingCodes.map(([code], i) => ({ at: new Date(t0 + i * 3600_000), code, text: `event ${i} (${code})` })),
    );
    const events = await c.adapter.track(conn, wb.waybillNo, { phone: c.phone });
    expect(events.map((e) => e.status)).toEqual(c.trackingCodes.map(([, s]) => s));
    expect(events[0].at).toBe('2024-11-11T09:00:00+08:00');
    expect(events.map((e) => e.description)).toEqual(c.trackingCodes.map(([code], i) => `event ${i} (${code})`));
  });

  it('reports refused credentials as auth', async () => {
    const err = await rejection(c.adapter.createWaybill({ ...conn, credentials: c.wrongCredentials(fake.credentials) }, waybillRequest()));
    expect(err.kind).toBe('auth');
    expect(err.retryable).toBe(false);
  });

  it('maps HTTP 500 to unavailable', async () => {
    fake.faults.error500 = true;
    expect((await rejection(c.adapter.createWaybill(conn, waybillRequest()))).kind).toBe('unavailable');
  });

  it('maps no answer to timeout', async () => {
    fake.faults.timeout = true;
    const started = Date.now();
    const err = await rejection(c.adapter.createWaybill({ ...conn, timeoutMs: 300 }, waybillRequest()));
    expect(err.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('maps an unreadable answer to malformed', async () => {
    fake.faults.malformed = true;
    const err = await rejection(c.adapter.createWaybill(conn, waybillRequest()));
    expect(err.kind).toBe('malformed');
    expect(err.retryable).toBe(true);
  });

  it('maps a refused address to rejected with the reason', async () => {
    fake.faults.refuseAddress = true;
    const req = waybillRequest();
    const err = await rejection(c.adapter.createWaybill(conn, req));
    expect(err.kind).toBe('rejected');
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/超区|超范围|outside/);
    expect(err.message).toContain(req.reference);
  });

  it('maps a connection that fails to unavailable', async () => {
    const err = await rejection(c.adapter.createWaybill({ ...conn, baseUrl: 'http://127.0.0.1:1' }, waybillRequest()));
    expect(err.kind).toBe('unavailable');
  });
}
