/** The hub's own carrier: numbers from a managed range, check digit, village routes. */
import { carrierAdapter, CARRIER_ADAPTERS, CARRIERS } from '../../../integrations/carriers';
import { checkDigit, checkLocalWaybillNo, localAdapter as adapter, localWaybillNo } from '../../../integrations/carriers/local';
import { rejection, waybillRequest } from './contract';

const settings = { prefix: 'XC', rangeStart: 100000, rangeEnd: 999999, routes: { 嘉定镇: 'XF-01', 嘉定: 'XF-09', 潭口: 'XF-02' } };
const conn = { baseUrl: '', credentials: {}, settings };
const counter = (start: number) => {
  let n = start;
  return { nextNumber: async () => n++ };
};

describe('local waybill numbers', () => {
  it('pads to the width of rangeEnd and appends a GTIN-style check digit', () => {
    // 000123: weights from the right 3,1,3,1,3,1 → 3*3 + 2*1 + 1*3 = 14 → check 6
    expect(localWaybillNo('XC', 123, 999999)).toBe('XC0001236');
    // the GTIN-13 example 400638133393 → 1
    expect(checkDigit('400638133393')).toBe(1);
    expect(localWaybillNo('V1', 5, 99)).toBe('V1055');
    expect(() => localWaybillNo('XC', 1_000_000, 999999)).toThrow(RangeError);
  });

  it('checks a number: prefix, digits and check digit', () => {
    const no = localWaybillNo('XC', 424242, 999999);
    expect(checkLocalWaybillNo(no, 'XC')).toBe(true);
    expect(checkLocalWaybillNo(no, 'XD')).toBe(false);
    const typo = no.slice(0, 4) + String((Number(no[4]) + 1) % 10) + no.slice(5);
    expect(checkLocalWaybillNo(typo, 'XC')).toBe(false);
    // a swap of two neighbouring digits (weights 3 and 1) is caught too
    const no2 = localWaybillNo('XC', 120000, 999999);
    expect(no2).toBe('XC1200003');
    expect(checkLocalWaybillNo('XC21' + no2.slice(4), 'XC')).toBe(false);
    expect(checkLocalWaybillNo('XC12A4', 'XC')).toBe(false);
  });
});

describe('local adapter', () => {
  it('numbers waybills from services.nextNumber and routes by township, longest name first', async () => {
    const services = counter(100000);
    const a = await adapter.createWaybill(conn, waybillRequest({ receiver: { name: '张三', phone: '13900000000', province: '江西省', city: '赣州市', district: '南康区', address: '嘉定镇 光明村 3 组' } }), services);
    const b = await adapter.createWaybill(conn, waybillRequest({ receiver: { name: '李四', phone: '13900000001', province: '江西省', city: '赣州市', district: '潭口镇', address: '富坑村' } }), services);
    const c = await adapter.createWaybill(conn, waybillRequest({ receiver: { name: '王五', phone: '13900000002', province: '江西省', city: '赣州市', district: '章贡区', address: '红旗大道 1 号' } }), services);
    expect(a).toEqual({ waybillNo: localWaybillNo('XC', 100000, 999999), routingCode: 'XF-01', sortCenter: null, carrierOrderId: null });
    expect(b.waybillNo).toBe(localWaybillNo('XC', 100001, 999999));
    expect(b.routingCode).toBe('XF-02');
    expect(c.routingCode).toBe('章贡区');
    expect(checkLocalWaybillNo(c.waybillNo, 'XC')).toBe(true);
  });

  it('refuses once the range is exhausted, and is unavailable without a number source', async () => {
    const over = await rejection(adapter.createWaybill(conn, waybillRequest(), counter(1_000_000)));
    expect(over.kind).toBe('rejected');
    expect(over.message).toMatch(/exhausted/);
    expect((await rejection(adapter.createWaybill(conn, waybillRequest()))).kind).toBe('unavailable');
    expect((await rejection(adapter.createWaybill(conn, waybillRequest(), {}))).kind).toBe('unavailable');
    const failing = { nextNumber: async () => Promise.reject(new Error('database is locked')) };
    expect((await rejection(adapter.createWaybill(conn, waybillRequest(), failing))).message).toMatch(/database is locked/);
  });

  it('refuses bad settings', async () => {
    const err = await rejection(adapter.createWaybill({ ...conn, settings: { prefix: 'xc', rangeStart: 10, rangeEnd: 5 } }, waybillRequest(), counter(1)));
    expect(err.kind).toBe('rejected');
    expect(adapter.settingsSchema.safeParse(settings).success).toBe(true);
  });

  it('cancels as a no-op and has no tracking', async () => {
    await expect(adapter.cancelWaybill(conn, 'XC1000003', 'R1')).resolves.toBeUndefined();
    await expect(adapter.track(conn, 'XC1000003')).resolves.toEqual([]);
  });
});

describe('carrier registry', () => {
  it('lists the adapters by name and refuses unknown ones', () => {
    expect(CARRIER_ADAPTERS).toEqual(['kuaidi100', 'sf', 'zto', 'local']);
    for (const name of CARRIER_ADAPTERS) expect(carrierAdapter(name).name).toBe(name);
    expect(CARRIERS.local.defaultBaseUrl).toBeNull();
    expect(() => carrierAdapter('toString')).toThrow(/unknown carrier/);
    expect(() => carrierAdapter('ems')).toThrow(/unknown carrier/);
  });
});
