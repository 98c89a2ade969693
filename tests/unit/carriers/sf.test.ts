/** The SF (丰桥) adapter against the fake SF open platform over loopback HTTP. */
import { javaUrlEncode, sfAdapter as adapter, sfMsgDigest, sfStatus } from '../../../integrations/carriers/sf';
import { startFakeSf } from '../../helpers/fakes/carriers/sf';
import type { FakeCarrier } from '../../helpers/fakes/carriers/types';
import { carrierContract, rejection, waybillRequest } from './contract';

describe('SF contract', () => {
  carrierContract({
    adapter,
    start: () => startFakeSf(),
    waybillFormat: /^SF\d{13}$/,
    trackingCodes: [
      ['50', 'picked_up'],
      ['30', 'in_transit'],
      ['31', 'in_transit'],
      ['44', 'out_for_delivery'],
      ['80', 'delivered'],
    ],
    wrongCredentials: (good) => ({ ...good, checkWord: 'not-the-check-word' }),
    phone: '13812345678',
  });
});

describe('SF specifics', () => {
  let fake: FakeCarrier;
  const conn = () => ({ baseUrl: fake.baseUrl, credentials: fake.credentials, settings: fake.settings });
  beforeAll(async () => {
    fake = await startFakeSf();
  });
  afterAll(() => fake.close());

  it('computes msgDigest as in the SF documentation example', () => {
    expect(sfMsgDigest('{"language":"zh-CN","orderId":"QIAO-20200618-004"}', '12312334453453', 'fjcg5PGKaNpPSHFAZ4QsCOkV71R3zVci')).toBe('IIKJtuLVzoFTu4kHI8M8vA==');
  });

  it("URL-encodes as Java's URLEncoder does", () => {
    expect(javaUrlEncode("a b+c!*'()~.-_中")).toBe('a+b%2Bc%21*%27%28%29%7E.-_%E4%B8%AD');
  });

  it('maps opCodes', () => {
    expect(['54', '36', '204', '8000', '33', '99', '9999'].map(sfStatus)).toEqual(['picked_up', 'in_transit', 'out_for_delivery', 'delivered', 'exception', 'exception', 'info']);
  });

  it('on a retry SF answers 8016 and the adapter looks the order up instead of failing', async () => {
    const req = waybillRequest();
    const first = await adapter.createWaybill(conn(), req);
    const before = fake.requests;
    const again = await adapter.createWaybill(conn(), req);
    expect(again).toEqual(first);
    expect(fake.requests - before).toBe(2); // create (8016) + EXP_RECE_SEARCH_ORDER_RESP
  });

  it('sends orderId, contacts, monthly card, product and weight in kg', async () => {
    const req = waybillRequest({ weightG: 1250, pieces: 2 });
    await adapter.createWaybill(conn(), req);
    const sent = fake.waybills.get(req.reference)?.request;
    expect(sent).toMatchObject({ orderId: req.reference, monthlyCard: '7551234567', expressTypeId: 1, parcelQty: 2, totalWeight: 1.25, isReturnRoutelabel: 1 });
    expect(sent.contactInfoList).toEqual([
      expect.objectContaining({ contactType: 1, contact: '南康产地仓', province: '江西省', county: '南康区' }),
      expect.objectContaining({ contactType: 2, contact: '王小明', mobile: '13812345678', city: '杭州市', address: '文三路 90 号 3 幢 501' }),
    ]);
  });

  it('ships chilled parcels with the cold-chain product, and refuses them without one', async () => {
    const req = waybillRequest({ temperature: 'chilled' });
    await adapter.createWaybill(conn(), req);
    expect(fake.waybills.get(req.reference)?.request.expressTypeId).toBe(30);
    const { coldExpressTypeId: _, ...ambientOnly } = fake.settings;
    const err = await rejection(adapter.createWaybill({ ...conn(), settings: ambientOnly }, waybillRequest({ temperature: 'frozen' })));
    expect(err.kind).toBe('rejected');
    expect(err.message).toMatch(/cold-chain/);
  });

  it('reports an unknown partnerID as auth (A1004)', async () => {
    const err = await rejection(adapter.createWaybill({ ...conn(), credentials: { ...fake.credentials, partnerId: 'SOMEONE_ELSE' } }, waybillRequest()));
    expect(err).toMatchObject({ kind: 'auth', carrierCode: 'A1004' });
  });

  it('reports a missing receiver address as rejected with SF’s code', async () => {
    const req = waybillRequest();
    const err = await rejection(adapter.createWaybill(conn(), { ...req, receiver: { ...req.receiver, address: '' } }));
    expect(err).toMatchObject({ kind: 'rejected', carrierCode: '1014' });
  });

  it('the fake refuses a forged msgDigest with A1006 and a missing field with A1001', async () => {
    const msgData = JSON.stringify({ language: 'zh-CN', orderId: 'X' });
    const post = (params: Record<string, string>) =>
      fetch(fake.baseUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) }).then((r) => r.json());
    const base = { partnerID: fake.credentials.partnerId, requestID: 'r1', serviceCode: 'EXP_RECE_SEARCH_ORDER_RESP', timestamp: '1700000000000', msgData };
    expect(await post({ ...base, msgDigest: sfMsgDigest(msgData, base.timestamp, 'guessed') })).toMatchObject({ apiResultCode: 'A1006', apiResultData: null });
    expect(await post({ ...base, msgDigest: '' })).toMatchObject({ apiResultCode: 'A1001' });
    // the right digest passes the gateway and reaches the service
    const good = await post({ ...base, msgDigest: sfMsgDigest(msgData, base.timestamp, fake.credentials.checkWord) });
    expect(good.apiResultCode).toBe('A1000');
    expect(JSON.parse(good.apiResultData)).toMatchObject({ success: false, errorCode: '8018' });
  });
});
