import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { Harness, bearer, keyFor, makeOwner, startHarness, uid } from '../helpers/harness';
import { makeSku } from '../helpers/stock';
import { purgePersonalData } from '../../server/orders/pii';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const receiver = (over: Record<string, unknown> = {}) => ({ name: '张三丰', phone: '13812345678', province: '浙江省', city: '杭州市', district: '西湖区', address: '文三路90号3幢201', ...over });

async function coop() {
  const owner = await makeOwner(h);
  const seller = await keyFor(h, 'seller', { ownerId: owner.id });
  const apple = await makeSku(h, seller, { name: '红富士苹果 1kg' });
  const pear = await makeSku(h, seller, { name: '砀山梨 1kg' });
  return { owner, seller, apple, pear };
}

const post = (token: string, body: object) => h.http.post('/api/v1/orders').set(bearer(token)).send(body);

describe('the order API', () => {
  it('creates a paid order released to the warehouse, with its lines and history', async () => {
    const c = await coop();
    const externalId = uid('WX');
    const res = await post(c.seller, { externalId, receiver: receiver(), lines: [{ skuCode: c.apple.skuCode, qty: 2 }, { skuCode: c.pear.skuCode, qty: 1 }] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ownerId: c.owner.id, externalId, status: 'pending', holdReason: null, paid: true, channel: 'api' });
    expect(res.body.releasedAt).toEqual(expect.any(String));
    expect(res.body.lines).toEqual([expect.objectContaining({ skuCode: c.apple.skuCode, qty: 2 }), expect.objectContaining({ skuCode: c.pear.skuCode, qty: 1 })]);
    const got = await h.http.get(`/api/v1/orders/${res.body.id}`).set(bearer(c.seller));
    expect(got.status).toBe(200);
    expect(got.body.receiver).toMatchObject({ name: '张三丰', phone: '13812345678', province: '浙江省', city: '杭州市', district: '西湖区', masked: false });
    // then allocation: no stock for this co-op, so it waits as a backorder with the shortage
    expect(got.body.history.map((e: any) => e.event).slice(0, 2)).toEqual(['received', 'released']);
  });

  it('answers the same body again with the same order, and a different body under that id with 409', async () => {
    const c = await coop();
    const body = { externalId: uid('WX'), receiver: receiver(), lines: [{ skuCode: c.apple.skuCode, qty: 1 }] };
    const first = await post(c.seller, body);
    const again = await post(c.seller, body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const changed = await post(c.seller, { ...body, lines: [{ skuCode: c.apple.skuCode, qty: 3 }] });
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('DUPLICATE_EXTERNAL_ID');
    const list = await h.http.get(`/api/v1/orders?q=${body.externalId}`).set(bearer(c.seller));
    expect(list.body.items).toHaveLength(1);
  });

  it('refuses a quantity of zero and a SKU that does not exist, storing nothing', async () => {
    const c = await coop();
    const externalId = uid('WX');
    const zero = await post(c.seller, { externalId, receiver: receiver(), lines: [{ skuCode: c.apple.skuCode, qty: 0 }] });
    expect(zero.status).toBe(400);
    expect(zero.body.error.details.some((d: any) => String(d.field).includes('qty'))).toBe(true);
    const unknown = await post(c.seller, { externalId, receiver: receiver(), lines: [{ skuCode: 'NO-SUCH-SKU', qty: 1 }] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('UNKNOWN_SKU');
    const list = await h.http.get(`/api/v1/orders?q=${externalId}`).set(bearer(c.seller));
    expect(list.body.items).toHaveLength(0);
  });

  it('holds an address without a district, and releases it when the receiver is corrected', async () => {
    const c = await coop();
    const res = await post(c.seller, { externalId: uid('WX'), receiver: receiver({ district: null, address: '文三路90号' }), lines: [{ skuCode: c.apple.skuCode, qty: 1 }] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'held', holdReason: 'address', releasedAt: null });
    expect(res.body.holdDetail).toMatch(/district|区/);
    const held = await h.http.get(`/api/v1/orders?status=held&holdReason=address&ownerId=${c.owner.id}`).set(bearer(c.seller));
    expect(held.body.items.map((o: any) => o.id)).toContain(res.body.id);
    const fixed = await h.http.patch(`/api/v1/orders/${res.body.id}/receiver`).set(bearer(c.seller)).send({ district: '西湖区' });
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({ status: 'pending', holdReason: null });
    expect(fixed.body.releasedAt).toEqual(expect.any(String));
    expect(fixed.body.history.map((e: any) => e.event)).toEqual(['received', 'held', 'fixed', 'released']);
  });

  it('holds a bad phone number with the reason in words', async () => {
    const c = await coop();
    const res = await post(c.seller, { externalId: uid('WX'), receiver: receiver({ phone: '138****5678' }), lines: [{ skuCode: c.apple.skuCode, qty: 1 }] });
    expect(res.body).toMatchObject({ status: 'held', holdReason: 'phone' });
    expect(res.body.holdDetail).toBeTruthy();
  });

  it('keeps an unpaid order out of the warehouse until it is paid', async () => {
    const c = await coop();
    const res = await post(c.seller, { externalId: uid('WX'), paid: false, receiver: receiver(), lines: [{ skuCode: c.apple.skuCode, qty: 1 }] });
    expect(res.body).toMatchObject({ status: 'pending', paid: false, releasedAt: null });
  });

  it('seals the receiver in the database and masks it in lists and for operators', async () => {
    const c = await coop();
    const res = await post(c.seller, { externalId: uid('WX'), receiver: receiver({ name: '欧阳娜娜', phone: '13987654321', address: '保俶路188号秘密花园' }), lines: [{ skuCode: c.apple.skuCode, qty: 1 }] });
    const raw = await h.runtime.ctx.db('orders').where({ id: res.body.id }).first();
    const text = JSON.stringify(raw);
    expect(text).not.toContain('欧阳娜娜');
    expect(text).not.toContain('13987654321');
    expect(text).not.toContain('秘密花园');
    expect(raw.receiver_name_sealed).toMatch(/^v1\./);
    expect(raw.receiver_phone_sealed).toMatch(/^v1\./);
    expect(raw.receiver_address_sealed).toMatch(/^v1\./);
    const list = await h.http.get(`/api/v1/orders?ownerId=${c.owner.id}`).set(bearer(c.seller));
    const row = list.body.items.find((o: any) => o.id === res.body.id);
    expect(row.receiver.masked).toBe(true);
    expect(row.receiver.phone).toBe('139****4321');
    expect(row.receiver.name).not.toContain('娜娜');
    const operator = await keyFor(h, 'operator');
    const asOperator = await h.http.get(`/api/v1/orders/${res.body.id}`).set(bearer(operator));
    expect(asOperator.status).toBe(200);
    expect(asOperator.body.receiver.masked).toBe(true);
    expect(JSON.stringify(asOperator.body)).not.toContain('13987654321');
  });

  it("hides an owner's orders from another owner's seller", async () => {
    const c = await coop();
    const other = await coop();
    const res = await post(c.seller, { externalId: uid('WX'), receiver: receiver(), lines: [{ skuCode: c.apple.skuCode, qty: 1 }] });
    expect((await h.http.get(`/api/v1/orders/${res.body.id}`).set(bearer(other.seller))).status).toBe(404);
    expect((await h.http.post(`/api/v1/orders/${res.body.id}/cancel`).set(bearer(other.seller)).send({})).status).toBe(404);
    const list = await h.http.get('/api/v1/orders').set(bearer(other.seller));
    expect(list.body.items.some((o: any) => o.id === res.body.id)).toBe(false);
  });

  it('erases personal data of orders shipped longer ago than the retention period', async () => {
    const c = await coop();
    const res = await post(c.seller, { externalId: uid('WX'), receiver: receiver(), lines: [{ skuCode: c.apple.skuCode, qty: 1 }] });
    const recent = await post(c.seller, { externalId: uid('WX'), receiver: receiver(), lines: [{ skuCode: c.apple.skuCode, qty: 1 }] });
    const db = h.runtime.ctx.db;
    await db('orders').where({ id: res.body.id }).update({ status: 'shipped', shipped_at: '2020-01-01 00:00:00.000' });
    await db('orders').where({ id: recent.body.id }).update({ status: 'shipped', shipped_at: new Date().toISOString().replace('T', ' ').replace('Z', '') });
    expect(await purgePersonalData(h.runtime.ctx)).toBeGreaterThanOrEqual(1);
    const old = await db('orders').where({ id: res.body.id }).first();
    expect(old.receiver_name_sealed).toBeNull();
    expect(old.receiver_phone_sealed).toBeNull();
    expect(old.receiver_address_sealed).toBeNull();
    expect(old.pii_purged_at).toBeTruthy();
    expect((await db('orders').where({ id: recent.body.id }).first()).receiver_name_sealed).toMatch(/^v1\./);
    const got = await h.http.get(`/api/v1/orders/${res.body.id}`).set(bearer(c.seller));
    expect(got.body.receiver).toMatchObject({ purged: true, name: null, phone: null, province: '浙江省' });
  });
});

describe('cancellation and holds', () => {
  it('cancels before packing, flags for interception after packing, refuses after shipping', async () => {
    const c = await coop();
    const mk = async () => (await post(c.seller, { externalId: uid('WX'), receiver: receiver(), lines: [{ skuCode: c.apple.skuCode, qty: 1 }] })).body;
    const a = await mk();
    const cancelled = await h.http.post(`/api/v1/orders/${a.id}/cancel`).set(bearer(c.seller)).send({ reason: '买家不要了' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.history.at(-1)).toMatchObject({ event: 'cancelled', fromStatus: expect.stringMatching(/^(pending|backorder)$/), toStatus: 'cancelled' });
    expect((await h.http.post(`/api/v1/orders/${a.id}/cancel`).set(bearer(c.seller)).send({})).body.status).toBe('cancelled');

    const b = await mk();
    await h.runtime.ctx.db('orders').where({ id: b.id }).update({ status: 'packed' });
    const intercepted = await h.http.post(`/api/v1/orders/${b.id}/cancel`).set(bearer(c.seller)).send({});
    expect(intercepted.body).toMatchObject({ status: 'packed', intercept: true });

    const s = await mk();
    await h.runtime.ctx.db('orders').where({ id: s.id }).update({ status: 'shipped' });
    const refused = await h.http.post(`/api/v1/orders/${s.id}/cancel`).set(bearer(c.seller)).send({});
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('ORDER_SHIPPED');
  });

  it('holds by hand and releases again', async () => {
    const c = await coop();
    const supervisor = await keyFor(h, 'supervisor');
    const o = (await post(c.seller, { externalId: uid('WX'), receiver: receiver(), lines: [{ skuCode: c.apple.skuCode, qty: 1 }] })).body;
    const held = await h.http.post(`/api/v1/orders/${o.id}/hold`).set(bearer(supervisor)).send({ reason: '等客户确认' });
    expect(held.body).toMatchObject({ status: 'held', holdReason: 'manual', releasedAt: null });
    const released = await h.http.post(`/api/v1/orders/${o.id}/release`).set(bearer(supervisor)).send();
    expect(released.body).toMatchObject({ status: 'pending', holdReason: null });
    expect(released.body.releasedAt).toEqual(expect.any(String));
    expect((await h.http.post(`/api/v1/orders/${o.id}/hold`).set(bearer(c.seller)).send({})).status).toBe(403);
  });
});

describe('spreadsheet order import', () => {
  const upload = (token: string, data: Buffer, type = 'text/csv', query = '') =>
    h.http.post(`/api/v1/orders/import${query}`).set(bearer(token)).set('Content-Type', type).send(data);

  it('imports a GBK CSV with several lines per order, holds a bad address, and finds a second import unchanged', async () => {
    const c = await coop();
    const a = uid('A');
    const b = uid('B');
    const csv = [
      '订单号,商品编码,数量,收件人,电话,省,市,区,详细地址,备注',
      `${a},${c.apple.skuCode},2,李四,13900001111,浙江省,杭州市,西湖区,文三路1号,`,
      `${a},${c.pear.skuCode},1,,,,,,,`,
      `${b},${c.apple.skuCode},1,王五,13900002222,,,,浙江省杭州市某某路9号,周末送`,
    ].join('\r\n');
    const res = await upload(c.seller, iconv.encode(csv, 'gbk'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ orders: 2, created: 2, held: 1, errors: [], encoding: expect.stringMatching(/gb/i) });
    expect(res.body.heldOrders).toEqual([expect.objectContaining({ externalId: b, holdReason: 'address' })]);
    const got = (await h.http.get(`/api/v1/orders?q=${a}`).set(bearer(c.seller))).body.items[0];
    expect(got).toMatchObject({ channel: 'import', status: expect.stringMatching(/^(pending|backorder)$/) });
    expect(got.lines.map((l: any) => [l.skuCode, l.qty])).toEqual([[c.apple.skuCode, 2], [c.pear.skuCode, 1]]);
    const again = await upload(c.seller, iconv.encode(csv, 'gbk'));
    expect(again.body).toMatchObject({ orders: 2, created: 0, updated: 0, unchanged: 2 });
  });

  it('leaves out a whole order with a bad row and reports every row of it', async () => {
    const c = await coop();
    const good = uid('G');
    const bad = uid('X');
    const csv = [
      'order_no,sku_code,qty,receiver_name,phone,address',
      `${good},${c.apple.skuCode},1,赵六,13700001111,浙江省杭州市西湖区文三路2号`,
      `${bad},${c.apple.skuCode},1,钱七,13700002222,浙江省杭州市西湖区文三路3号`,
      `${bad},NOPE,1,,,`,
      `${bad},${c.pear.skuCode},zero,,,`,
      `,${c.pear.skuCode},1,,,`,
    ].join('\n');
    const res = await upload(c.seller, Buffer.from(csv));
    expect(res.body).toMatchObject({ created: 1 });
    const rows = res.body.errors.map((e: any) => [e.row, e.code]);
    expect(rows).toEqual(expect.arrayContaining([[3, 'order_rejected'], [4, 'unknown_sku'], [5, 'invalid'], [6, 'required']]));
    expect((await h.http.get(`/api/v1/orders?q=${bad}`).set(bearer(c.seller))).body.items).toHaveLength(0);
    const dry = await upload(c.seller, Buffer.from(csv.replace(good, uid('D'))), 'text/csv', '?dryRun=true');
    expect(dry.body).toMatchObject({ created: 1, dryRun: true });
    expect((await h.http.get(`/api/v1/orders?ownerId=${c.owner.id}`).set(bearer(c.seller))).body.items).toHaveLength(1);
  });

  it('reads XLSX and refuses a file in the wrong format or without the required columns', async () => {
    const c = await coop();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('订单');
    const id = uid('XL');
    ws.addRow(['订单号', '商品编码', '数量', '收件人', '手机', '收货地址']);
    ws.addRow([id, c.apple.skuCode, 3, '孙八', '13600001111', '广东省深圳市南山区科技园1号']);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await upload(c.seller, xlsx, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.body).toMatchObject({ created: 1, held: 0, errors: [] });
    const got = (await h.http.get(`/api/v1/orders?q=${id}`).set(bearer(c.seller))).body.items[0];
    expect(got.receiver).toMatchObject({ province: '广东省', city: '深圳市', district: '南山区' });

    const noColumns = await upload(c.seller, Buffer.from('name,phone\nx,y\n'));
    expect(noColumns.status).toBe(400);
    expect(noColumns.body.error.code).toBe('MISSING_COLUMNS');
    const binary = await upload(c.seller, Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00, 0x10, 0x00]));
    expect(binary.status).toBe(400);
  });
});
