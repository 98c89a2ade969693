/** The Kuaidi100 adapter against the fake Kuaidi100 over loopback HTTP. */
import crypto from 'node:crypto';
import { kuaidi100Adapter as adapter, kuaidi100LabelSign, kuaidi100QuerySign, kuaidi100Status } from '../../../integrations/carriers/kuaidi100';
import { startFakeKuaidi100 } from '../../helpers/fakes/carriers/kuaidi100';
import { carrierContract, rejection, waybillRequest } from './contract';

describe('Kuaidi100 contract', () => {
  carrierContract({
    adapter,
    start: () => startFakeKuaidi100(),
    // the underlying carrier is ZTO (kuaidicom zhongtong): its 12-digit numbers
    waybillFormat: /^7\d{11}$/,
    trackingCodes: [
      ['103', 'picked_up'],
      ['1002', 'in_transit'],
      ['5', 'out_for_delivery'],
      ['201', 'exception'],
      ['301', 'delivered'],
    ],
    wrongCredentials: (good) => ({ ...good, secret: 'not-the-secret' }),
    phone: '13812345678',
  });
});

describe('Kuaidi100 specifics', () => {
  it('signs label calls as MD5(param + t + key + secret) and queries as MD5(param + key + customer), upper-case hex', () => {
    const param = '{"kuaidicom":"zhongtong","num":"73100000001"}';
    expect(kuaidi100LabelSign(param, '1576123932000', 'K', 'S')).toBe(crypto.createHash('md5').update(param + '1576123932000KS').digest('hex').toUpperCase());
    expect(kuaidi100QuerySign(param, 'K', 'C')).toBe(crypto.createHash('md5').update(param + 'KC').digest('hex').toUpperCase());
    expect(kuaidi100LabelSign(param, '1', 'K', 'S')).toMatch(/^[0-9A-F]{32}$/);
  });

  it('maps basic and advanced states', () => {
    expect(['0', '1', '2', '3', '4', '5', '6', '14', '102', '1001', '501', '304'].map(kuaidi100Status)).toEqual([
      'in_transit', 'picked_up', 'exception', 'delivered', 'exception', 'out_for_delivery', 'exception', 'exception', 'info', 'in_transit', 'out_for_delivery', 'delivered',
    ]);
  });

  it('sends the receiver, cargo, weight in kg and our reference as orderId', async () => {
    const fake = await startFakeKuaidi100();
    try {
      const conn = { baseUrl: fake.baseUrl, credentials: fake.credentials, settings: fake.settings };
      const req = waybillRequest({ weightG: 2500, pieces: 2 });
      await adapter.createWaybill(conn, req);
      expect(fake.waybills.get(req.reference)?.request).toMatchObject({
        kuaidicom: 'zhongtong',
        partnerId: 'ZTO-OUTLET-0571',
        orderId: req.reference,
        weight: 2.5,
        count: 2,
        recMan: { name: '王小明', mobile: '13812345678', printAddr: '浙江省杭州市西湖区文三路 90 号 3 幢 501' },
      });
    } finally {
      await fake.close();
    }
  });

  it('answers [] while the carrier has no scans, and auth without a customer', async () => {
    const fake = await startFakeKuaidi100();
    try {
      const conn = { baseUrl: fake.baseUrl, credentials: fake.credentials, settings: fake.settings };
      const wb = await adapter.createWaybill(conn, waybillRequest());
      await expect(adapter.track(conn, wb.waybillNo)).resolves.toEqual([]);
      const { customer: _, ...noCustomer } = fake.credentials;
      expect((await rejection(adapter.track({ ...conn, credentials: noCustomer }, wb.waybillNo))).kind).toBe('auth');
      expect((await rejection(adapter.track({ ...conn, credentials: { ...fake.credentials, key: 'wrong' } }, wb.waybillNo))).kind).toBe('auth');
    } finally {
      await fake.close();
    }
  });

  it('the fake refuses a forged signature with 30002 and a wrong key with 30003', async () => {
    const fake = await startFakeKuaidi100();
    try {
      const param = JSON.stringify({ kuaidicom: 'zhongtong' });
      const post = (key: string, sign: string) =>
        fetch(`${fake.baseUrl}/label/order`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ method: 'order', key, t: '1', sign, param }) }).then((r) => r.json());
      const forged = kuaidi100LabelSign(param, '1', fake.credentials.key, 'guessed-secret');
      expect(await post(fake.credentials.key, forged)).toEqual({ result: false, returnCode: '30002', message: '验证签名失败' });
      expect((await post('other-key', forged)).returnCode).toBe('30003');
      expect(fake.waybills.size).toBe(0);
    } finally {
      await fake.close();
    }
  });
});
