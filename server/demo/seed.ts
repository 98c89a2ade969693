import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { nowDb } from '../db/time';
import { isUniqueViolation } from '../db/errors';
import { hashPassword, randomPassword } from '../auth/passwords';
import { metresToCm } from '../layout/layout.model';
import { gtinCheckDigit } from '../../printers/barcode-check';
import { inTransaction } from '../db/transaction';
import { ingestOrders } from '../orders/ingest';
import type { IncomingOrder } from '../orders/orders.model';
import { addStock } from '../inventory/stock';
import { SYSTEM_CALLER } from '../auth/principal';

type Stamp = { created_at: string; updated_at: string };

/** A few products per co-op across the three temperature classes, with valid EAN-13s, and a gift box kit. */
async function seedProducts(trx: Knex.Transaction, orangeCoop: number, kiwiFarm: number, stamp: Stamp) {
  const products: Array<[number, string, string, string, number, string, number | null, boolean]> = [
    [orangeCoop, 'QC-5KG', '赣南脐橙 5斤装 特级果', '果径75-80mm', 2600, 'ambient', 30, true],
    [orangeCoop, 'QC-10KG', '赣南脐橙 10斤装 大果', '果径80-85mm', 5200, 'ambient', 30, true],
    [orangeCoop, 'QC-JUICE', '脐橙鲜榨果汁 1L', '1L/瓶', 1100, 'chilled', 7, true],
    [orangeCoop, 'QC-DRIED', '脐橙果干 200g', '200g/袋', 230, 'ambient', 270, false],
    [kiwiFarm, 'KW-1KG', '眉县徐香猕猴桃 1kg', '12-15个', 1100, 'chilled', 20, true],
    [kiwiFarm, 'KW-3KG', '眉县红心猕猴桃 3kg', '30-36个', 3200, 'chilled', 20, true],
    [kiwiFarm, 'KW-FROZEN', '冷冻猕猴桃切片 500g', '500g/袋', 550, 'frozen', 180, true],
  ];
  let n = 0;
  const ids: Record<string, number> = {};
  for (const [owner, code, name, spec, weight, temperature, shelfLife, lot] of products) {
    const [id] = await trx('skus').insert({ owner_id: owner, sku_code: code, name, spec, unit: '箱', weight_g: weight, temperature, shelf_life_days: shelfLife, lot_tracked: lot, origin: owner === orangeCoop ? '江西省赣州市信丰县' : '陕西省宝鸡市眉县', is_kit: false, status: 'active', ...stamp });
    ids[code] = Number(id);
    const payload = `69${String(20261123000 + ++n).slice(-10)}`;
    await trx('sku_barcodes').insert({ owner_id: owner, sku_id: id, barcode: `${payload}${gtinCheckDigit(payload)}`, qty: 1, kind: 'ean13', position: 0 });
  }
  const [kit] = await trx('skus').insert({ owner_id: orangeCoop, sku_code: 'GIFT-BOX', name: '脐橙果干礼盒', spec: '5斤脐橙+果干2袋', unit: '盒', weight_g: 3200, temperature: 'ambient', shelf_life_days: 30, lot_tracked: false, origin: '江西省赣州市信丰县', is_kit: true, status: 'active', ...stamp });
  await trx('kit_components').insert([
    { kit_sku_id: kit, component_sku_id: ids['QC-5KG'], qty: 1 },
    { kit_sku_id: kit, component_sku_id: ids['QC-DRIED'], qty: 2 },
  ]);
}

/**
 * A demo hub for a first look: one warehouse with ambient, chilled and frozen zones laid out
 * in aisles (about 200 locations), two co-ops, a village carrier and one user per role.
 * Runs once per database; the marker row makes a second process skip it.
 */
export async function seedDemo(db: Db, print: (line: string) => void, dataKey: Buffer): Promise<boolean> {
  if (await db('owners').first('id')) return false;
  try {
    await db('settings').insert({ name: 'demo.seeded', value: nowDb(), updated_at: nowDb() });
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
  const now = nowDb();
  const stamp = { created_at: now, updated_at: now };
  const passwords: Record<string, string> = {};
  const users: Array<{ username: string; role: string; display: string; owner?: boolean; carrier?: boolean }> = [
    { username: 'supervisor', role: 'supervisor', display: '主管 王芳' },
    { username: 'operator', role: 'operator', display: '拣货员 李强' },
    { username: 'seller', role: 'seller', display: '赣南脐橙合作社', owner: true },
    { username: 'carrier', role: 'carrier', display: '乡村配送 司机', carrier: true },
  ];
  for (const u of users) passwords[u.username] = randomPassword();
  const hashes = await Promise.all(users.map((u) => hashPassword(passwords[u.username])));

  await db.transaction(async (trx) => {
    const [warehouseId] = await trx('warehouses').insert({
      code: 'HUB',
      name: '县域产地仓 (demo)',
      province: '江西省',
      city: '赣州市',
      district: '信丰县',
      address: '嘉定镇正平路88号 电商产业园3栋',
      contact_name: '发货组',
      phone: '07973456789',
      ...stamp,
    });
    const zone = async (code: string, name: string, temperature: string) =>
      Number((await trx('zones').insert({ warehouse_id: warehouseId, code, name, temperature, ...stamp }))[0]);
    const ambient = await zone('A', '常温区', 'ambient');
    const bulk = await zone('B', '常温存储区', 'ambient');
    const chilled = await zone('C', '冷藏区', 'chilled');
    const frozen = await zone('F', '冷冻区', 'frozen');
    const dock = await zone('D', '月台', 'ambient');
    const pack = await zone('P', '播种与打包区', 'ambient');

    const rows: any[] = [];
    let seq = 0;
    // Aisles run along y; pick sequence snakes up one aisle and down the next.
    const aisles = (zoneId: number, prefix: string, count: number, bays: number, x0: number, type: string) => {
      for (let a = 1; a <= count; a++) {
        const x = x0 + (a - 1) * 3;
        const order = Array.from({ length: bays }, (_, i) => i + 1);
        if (a % 2 === 0) order.reverse();
        for (const b of order) {
          const code = `${prefix}${String(a).padStart(2, '0')}-${String(b).padStart(2, '0')}`;
          rows.push({ warehouse_id: warehouseId, zone_id: zoneId, code, type, x_cm: metresToCm(x), y_cm: metresToCm(2 + (b - 1) * 1.2), pick_seq: ++seq, status: 'active', ...stamp });
        }
      }
    };
    aisles(ambient, 'A', 6, 16, 2, 'pick');
    aisles(bulk, 'B', 2, 16, 20, 'bulk');
    aisles(chilled, 'C', 2, 12, 28, 'pick');
    aisles(frozen, 'F', 2, 10, 36, 'pick');
    for (let i = 1; i <= 4; i++) rows.push({ warehouse_id: warehouseId, zone_id: dock, code: `DOCK-${i}`, type: 'dock', x_cm: metresToCm(i * 5), y_cm: 0, pick_seq: null, status: 'active', ...stamp });
    for (let i = 1; i <= 8; i++) rows.push({ warehouse_id: warehouseId, zone_id: pack, code: `STG-${String(i).padStart(2, '0')}`, type: 'staging', x_cm: metresToCm(i * 2), y_cm: metresToCm(24), pick_seq: null, status: 'active', ...stamp });
    for (let i = 1; i <= 24; i++) rows.push({ warehouse_id: warehouseId, zone_id: pack, code: `PW-${String(i).padStart(2, '0')}`, type: 'putwall', x_cm: metresToCm(40 + (i % 6) * 0.5), y_cm: metresToCm(26 + Math.floor(i / 6) * 0.5), pick_seq: null, status: 'active', ...stamp });
    for (let i = 0; i < rows.length; i += 100) await trx('locations').insert(rows.slice(i, i + 100));

    const [orangeCoop] = await trx('owners').insert({ code: 'GNQC', name: '信丰县赣南脐橙专业合作社', contact_name: '刘建国', phone: '13907970001', status: 'active', ...stamp });
    const [kiwiFarm] = await trx('owners').insert({ code: 'MXMH', name: '眉县猕猴桃家庭农场', contact_name: '张秀英', phone: '13991700002', status: 'active', ...stamp });
    await seedProducts(trx, Number(orangeCoop), Number(kiwiFarm), stamp);
    // two carriers that need no outside service: the village round and the county's cold-chain van
    const village = { prefix: 'XC', rangeStart: 100000, rangeEnd: 999999, routes: { 嘉定镇: 'XF-01', 大塘埠镇: 'XF-02', 古陂镇: 'XF-03' } };
    const [carrierId] = await trx('carriers').insert({ code: 'VILLAGE', name: '乡村配送', adapter: 'local', settings: JSON.stringify(village), cold_chain: false, status: 'active', ...stamp });
    const cold = { prefix: 'LL', rangeStart: 1000, rangeEnd: 99999 };
    const [coldId] = await trx('carriers').insert({ code: 'COLDVAN', name: '县冷链专车', adapter: 'local', settings: JSON.stringify(cold), cold_chain: true, status: 'active', ...stamp });
    await trx('carrier_number_ranges').insert([
      { carrier_id: carrierId, prefix: village.prefix, range_start: village.rangeStart, range_end: village.rangeEnd, next_value: village.rangeStart, ...stamp },
      { carrier_id: coldId, prefix: cold.prefix, range_start: cold.rangeStart, range_end: cold.rangeEnd, next_value: cold.rangeStart, ...stamp },
    ]);
    const [printerId] = await trx('printers').insert({ name: 'PACK-01 PDF', language: 'pdf', transport: 'browser', paper_size: '100x150', dpi: 203, station: 'PACK-01', status_check: false, state: 'unknown', status: 'active', ...stamp });
    // the usual carton sizes of a fruit hub (inner mm, grams) and one pack station using them
    const cartons: Array<[string, string, number, number, number, number, number]> = [
      ['S1', '1号箱', 200, 150, 100, 3000, 80],
      ['S2', '2号箱', 300, 200, 150, 8000, 150],
      ['S3', '3号箱', 400, 300, 200, 15000, 260],
      ['S4', '4号箱', 500, 400, 300, 25000, 420],
    ];
    await trx('cartons').insert(cartons.map(([code, name, l, w, h, max, tare]) => ({ warehouse_id: warehouseId, code, name, length_mm: l, width_mm: w, height_mm: h, max_weight_g: max, tare_g: tare, status: 'active', ...stamp })));
    await trx('pack_stations').insert({ warehouse_id: warehouseId, code: 'PACK-01', name: '打包台 1', printer_id: printerId, carton_codes: '[]', status: 'active', ...stamp });

    for (let i = 0; i < users.length; i++) {
      const u = users[i];
      await trx('users').insert({
        username: u.username,
        password_hash: hashes[i],
        role: u.role,
        owner_id: u.owner ? orangeCoop : null,
        carrier_id: u.carrier ? carrierId : null,
        display_name: u.display,
        active: true,
        ...stamp,
      });
    }
  });

  await seedStock(db);
  await seedOrders(db, dataKey);
  print('');
  print('  Demo hub seeded (set WMS_DEMO=0 to start empty). Demo users, shown only this once:');
  for (const u of users) print(`    ${u.username.padEnd(11)} ${u.role.padEnd(11)} ${passwords[u.username]}`);
  print('');
  return true;
}

/** Stock on the pick faces: one lot per product (the orange co-op's 5-jin box a little short). */
async function seedStock(db: Db) {
  const skus = await db('skus').where({ is_kit: false }).orderBy('id').select('id', 'owner_id', 'sku_code', 'temperature', 'shelf_life_days', 'lot_tracked');
  const prefix: Record<string, string> = { ambient: 'A', chilled: 'C', frozen: 'F' };
  const used: Record<string, number> = {};
  await inTransaction(db, async (trx) => {
    const now = nowDb();
    for (const sku of skus) {
      const n = (used[sku.temperature] = (used[sku.temperature] ?? 0) + 1);
      const loc = await trx('locations').where({ code: `${prefix[sku.temperature]}01-${String(n).padStart(2, '0')}` }).first('id');
      const produced = new Date(Date.now() - 2 * 86400_000).toISOString().slice(0, 10);
      const expires = sku.shelf_life_days ? new Date(Date.now() + (sku.shelf_life_days - 2) * 86400_000).toISOString().slice(0, 10) : null;
      const [lotId] = await trx('lots').insert({ owner_id: sku.owner_id, sku_id: sku.id, lot_no: sku.lot_tracked ? `L${produced.replace(/-/g, '')}` : '', produced_at: produced, expires_at: expires, status: 'released', created_at: now, updated_at: now });
      const qty = sku.sku_code === 'QC-5KG' ? 2 : 40;
      await addStock(trx, SYSTEM_CALLER, { ownerId: Number(sku.owner_id), skuId: Number(sku.id), lotId: Number(lotId), locationId: Number(loc.id) }, qty, { kind: 'receipt', reason: 'demo stock' });
    }
  });
}

/** A morning's orders from the orange co-op's chat group: most ready, one held for its address. */
async function seedOrders(db: Db, dataKey: Buffer) {
  const owner = await db('owners').where({ code: 'GNQC' }).first('id');
  const orders: Array<[string, string, string, [string, string, string | null], string, Array<[string, number]>]> = [
    ['WX-1001', '陈晓明', '13812340001', ['浙江省', '杭州市', '西湖区'], '文三路90号东部软件园3幢', [['QC-5KG', 2]]],
    ['WX-1002', '林静', '13912340002', ['广东省', '深圳市', '南山区'], '科技园南区高新南一道6号', [['QC-10KG', 1], ['QC-DRIED', 2]]],
    ['WX-1003', '王建华', '13712340003', ['北京市', '北京市', '朝阳区'], '建国路88号SOHO现代城A座1201', [['GIFT-BOX', 1]]],
    ['WX-1004', '赵丽', '13612340004', ['江西省', '赣州市', '章贡区'], '红旗大道20号', [['QC-JUICE', 3]]],
    ['WX-1005', '周强', '13512340005', ['四川省', '成都市', null], '天府大道北段1700号', [['QC-5KG', 1]]],
  ];
  const incoming: IncomingOrder[] = orders.map(([externalId, name, phone, [province, city, district], address, lines]) => ({
    externalId,
    paid: true,
    cancelled: false,
    platformStatus: null,
    updatedAt: null,
    placedAt: new Date(),
    receiver: { name, phone, province, city, district, address },
    lines: lines.map(([code, qty], i) => ({ externalLineId: String(i + 1), listingCode: code, variantId: null, title: null, qty, priceFen: null })),
    totalFen: null,
    currency: null,
    buyerNote: null,
    coldChain: false,
  }));
  await inTransaction(db, (trx) => ingestOrders(trx, dataKey, { ownerId: Number(owner.id), storeId: null, channel: 'import', actor: 'demo' }, incoming));
}
