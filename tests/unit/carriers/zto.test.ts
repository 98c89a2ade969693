/** The ZTO adapter against the fake ZTO open-platform gateway over loopback HTTP. */
import crypto from 'node:crypto';
import { ztoAdapter as adapter, ztoDataDigest, ztoStatus } from '../../../integrations/carriers/zto';
import { startFakeZto } from '../../helpers/fakes/carriers/zto';
import type { FakeCarrier } from '../../helpers/fakes/carriers/types';
import { carrierContract, rejection, waybillRequest } from './contract';

describe('ZTO contract', () => {
  carrierContract({
    adapter,
    start: () => startFakeZto(),
    waybillFormat: /^7\d{11}$/,
    trackingCodes: [
      ['收件', 'picked_up'],
      ['发件', 'in_transit'],
      ['到件', 'in_transit'],
      ['派件', 'out_for_delivery'],
      ['签收', 'delivered'],
    ],
    wrongCredentials: (good) => ({ ...good, appSecret: 'not-the-secret' }),
    phone: '13812345678',
  });
});

describe('ZTO specifics', () => {
  let fake: FakeCarrier;
  const conn = () => ({ baseUrl: fake.baseUrl, credentials: fake.credentials, settings: fake.settings });
  beforeAll(async () => {
    fake = await startFakeZto();
  });
  afterAll(() => fake.close());

  it('digests as Base64(MD5(body + appSecret))', () => {
    const body = '{"billCode":"73100000001"}';
    expect(ztoDataDigest(body, 'secret')).toBe(crypto.createHash('md5').update(body + 'secret').digest('base64'));
    expect(ztoDataDigest(body, 'secret')).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });

  it('maps scan types', () => {
    expect(['问题件', '退件', '第三方签收', '其他'].map(ztoStatus)).toEqual(['exception', 'exception', 'delivered', 'info']);
  });

  it('returns the 大头笔 as routing code and the 集包地 as sort centre, with ZTO’s order code', async () => {
    const wb = await adapter.createWaybill(conn(), waybillRequest());
    expect(wb.sortCenter).toBe('杭州中心');
    expect(wb.carrierOrderId).toMatch(/^2\d{11}01$/);
  });

  it('sends partnerOrderCode, the e-waybill account and split addresses', async () => {
    const req = waybillRequest();
    await adapter.createWaybill(conn(), req);
    expect(fake.waybills.get(req.reference)?.request).toMatchObject({
      partnerOrderCode: req.reference,
      accountInfo: { accountId: 'ZTO-EBILL-797001', accountPassword: 'ebill-pass' },
      receiveInfo: { receiverName: '王小明', receiverProvince: '浙江省', receiverCity: '杭州市', receiverDistrict: '西湖区' },
      summaryInfo: { quantity: 1 },
    });
  });

  it('reports a wrong appKey as auth and an unknown e-waybill account as rejected', async () => {
    expect((await rejection(adapter.createWaybill({ ...conn(), credentials: { ...fake.credentials, appKey: 'nobody' } }, waybillRequest()))).kind).toBe('auth');
    expect((await rejection(adapter.createWaybill({ ...conn(), settings: { accountId: 'NOT-MINE' } }, waybillRequest()))).kind).toBe('rejected');
  });

  it('the fake refuses a forged digest and a body changed after signing', async () => {
    const body = JSON.stringify({ billCode: '731000000001' });
    const post = (digest: string, sent = body) =>
      fetch(`${fake.baseUrl}/zto.merchant.waybill.track.query`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'x-appKey': fake.credentials.appKey, 'x-dataDigest': digest }, body: sent }).then((r) => r.json());
    expect(await post(ztoDataDigest(body, 'guessed'))).toMatchObject({ status: false, message: '签名校验失败' });
    expect(await post(ztoDataDigest(body, fake.credentials.appSecret), body.replace('731', '732'))).toMatchObject({ status: false });
    expect(await post(ztoDataDigest(body, fake.credentials.appSecret))).toEqual({ status: true, message: '', statusCode: '', result: [] });
  });
});
