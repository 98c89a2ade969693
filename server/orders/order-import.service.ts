import type { AppContext } from '../context';
import type { Caller } from '../auth/principal';
import { inTransaction } from '../db/transaction';
import { audit } from '../audit';
import { BadRequest, BusinessRule, NotFound } from '../http/errors';
import { readTabular, ColumnSpec } from '../tabular';
import { ingestOrders } from './ingest';
import { allocateSoon } from '../allocation/triggers';
import { actorOf, contentHash, EDITABLE, IncomingOrder } from './orders.model';

/**
 * Orders from a spreadsheet, for co-ops that sell through chat groups: one row per line, rows of
 * the same order number grouped, the receiver on the first row of the order (later rows may leave
 * it blank). An order with any bad row is left out whole (a parcel must not ship with a line
 * missing), each of its rows reported; addresses that cannot be read become held orders to
 * correct, not errors. Importing the same file twice changes nothing.
 */

export const ORDER_COLUMNS: ColumnSpec[] = [
  { name: 'owner_code', aliases: ['owner', '货主', '货主编码', '合作社编码'] },
  { name: 'order_no', aliases: ['external_id', 'order', 'order_id', '订单号', '订单编号', '单号'], required: true },
  { name: 'sku_code', aliases: ['sku', '商品编码', '货品编码'], required: true },
  { name: 'qty', aliases: ['quantity', '数量', '件数'], required: true },
  { name: 'receiver_name', aliases: ['name', 'receiver', '收件人', '收货人', '姓名'] },
  { name: 'phone', aliases: ['mobile', 'receiver_phone', '电话', '手机', '手机号', '收件人电话', '联系电话'] },
  { name: 'province', aliases: ['省', '省份'] },
  { name: 'city', aliases: ['市', '城市'] },
  { name: 'district', aliases: ['区', '区县', '县', '区/县'] },
  { name: 'address', aliases: ['详细地址', '地址', '收货地址', '收件地址'] },
  { name: 'cold_chain', aliases: ['冷链'] },
  { name: 'note', aliases: ['remark', '备注', '留言'] },
];

export interface RowError {
  row: number;
  column: string | null;
  code: string;
  message: string;
}

const MAX_ROWS = 100_000;
const TRUE = new Set(['1', 'true', 'yes', 'y', '是']);
const FALSE = new Set(['', '0', 'false', 'no', 'n', '否']);

interface Group {
  ownerCode: string | null;
  externalId: string;
  rows: number[];
  firstRow: number;
  receiver: { name: string; phone: string; province: string; city: string; district: string; address: string } | null;
  lines: Array<{ row: number; skuCode: string; qty: number }>;
  coldChain: boolean;
  note: string | null;
  errors: RowError[];
}

export async function importOrders(ctx: AppContext, caller: Caller, file: string, opts: { ownerId?: number; dryRun: boolean }) {
  const sheet = await readTabular(file, ORDER_COLUMNS);
  const seller = caller.principal.role === 'seller';
  if (!seller && !opts.ownerId && !sheet.columns.includes('owner_code')) {
    throw new BadRequest('OWNER_REQUIRED', 'Name the owner: add an owner_code (货主编码) column, or pass ?ownerId=');
  }
  const groups = new Map<string, Group>();
  let count = 0;
  for await (const r of sheet.rows) {
    if (++count > MAX_ROWS) throw new BusinessRule('TOO_MANY_ROWS', `An order file may have at most ${MAX_ROWS} rows`);
    const v = (k: string) => (r.values[k] ?? '').trim();
    const ownerCode = seller || opts.ownerId ? null : v('owner_code') || null;
    const externalId = v('order_no');
    const err = (column: string | null, code: string, message: string): RowError => ({ row: r.row, column, code, message });
    if (!externalId) {
      // a row without an order number belongs to no order: reported on its own
      groups.set(`#row${r.row}`, { ownerCode, externalId: '', rows: [r.row], firstRow: r.row, receiver: null, lines: [], coldChain: false, note: null, errors: [err('order_no', 'required', 'order_no (订单号) is empty')] });
      continue;
    }
    const key = `${ownerCode ?? ''}\u0000${externalId}`;
    let g = groups.get(key);
    if (!g) {
      g = { ownerCode, externalId, rows: [], firstRow: r.row, receiver: null, lines: [], coldChain: false, note: null, errors: [] };
      groups.set(key, g);
    }
    g.rows.push(r.row);
    if (!seller && !opts.ownerId && !ownerCode) g.errors.push(err('owner_code', 'required', 'owner_code (货主编码) is empty'));
    if (externalId.length > 64) g.errors.push(err('order_no', 'too_long', 'order_no is longer than 64 characters'));
    const sku = v('sku_code');
    const qtyText = v('qty');
    if (!sku) g.errors.push(err('sku_code', 'required', 'sku_code (商品编码) is empty'));
    if (!/^\d{1,6}$/.test(qtyText) || Number(qtyText) < 1) g.errors.push(err('qty', 'invalid', `qty "${qtyText}" must be a whole number of at least 1`));
    else if (sku) g.lines.push({ row: r.row, skuCode: sku, qty: Number(qtyText) });
    const cold = v('cold_chain').toLowerCase();
    if (!TRUE.has(cold) && !FALSE.has(cold)) g.errors.push(err('cold_chain', 'invalid', `cold_chain "${cold}" is not yes/no (是/否)`));
    if (TRUE.has(cold)) g.coldChain = true;
    if (v('note')) g.note = v('note').slice(0, 500);
    const receiver = { name: v('receiver_name'), phone: v('phone'), province: v('province'), city: v('city'), district: v('district'), address: v('address') };
    const given = Object.values(receiver).some(Boolean);
    if (!g.receiver) {
      if (!receiver.name) g.errors.push(err('receiver_name', 'required', 'the first row of an order needs the receiver (收件人)'));
      if (!receiver.phone) g.errors.push(err('phone', 'required', 'the first row of an order needs the phone (电话)'));
      if (!receiver.address) g.errors.push(err('address', 'required', 'the first row of an order needs the address (地址)'));
      g.receiver = receiver;
    } else if (given && JSON.stringify(receiver) !== JSON.stringify(g.receiver)) {
      g.errors.push(err('receiver_name', 'receiver_differs', `order ${externalId}: the receiver differs from row ${g.firstRow}`));
    }
  }

  const result = { orders: 0, created: 0, updated: 0, unchanged: 0, held: 0, errors: [] as RowError[], heldOrders: [] as Array<{ externalId: string; holdReason: string | null; holdDetail: string | null }>, encoding: sheet.encoding, dryRun: opts.dryRun };
  class DryRun extends Error {}
  try {
    await inTransaction(ctx.db, async (trx) => {
      if (opts.ownerId && !(await trx('owners').where({ id: opts.ownerId }).first('id'))) throw new NotFound('owner');
      const ownerIds = new Map<string, number | null>();
      const byOwner = new Map<number, Array<{ g: Group; incoming: IncomingOrder }>>();
      for (const g of groups.values()) {
        let ownerId = seller ? caller.principal.ownerId! : opts.ownerId ?? null;
        if (g.ownerCode) {
          if (!ownerIds.has(g.ownerCode)) ownerIds.set(g.ownerCode, (await trx('owners').where({ code: g.ownerCode }).first('id'))?.id ?? null);
          ownerId = ownerIds.get(g.ownerCode)!;
          if (!ownerId) g.errors.push({ row: g.firstRow, column: 'owner_code', code: 'unknown_owner', message: `no owner with code "${g.ownerCode}"` });
        }
        if (ownerId && g.lines.length) {
          const codes = [...new Set(g.lines.map((l) => l.skuCode))];
          const known = new Set((await trx('skus').where({ owner_id: ownerId }).whereIn('sku_code', codes).select('sku_code')).map((s: any) => s.sku_code));
          for (const l of g.lines) if (!known.has(l.skuCode)) g.errors.push({ row: l.row, column: 'sku_code', code: 'unknown_sku', message: `"${l.skuCode}" is not a product of this owner` });
        }
        if (g.errors.length || !ownerId) continue;
        const r = g.receiver!;
        const incoming: IncomingOrder = {
          externalId: g.externalId,
          paid: true,
          cancelled: false,
          platformStatus: null,
          updatedAt: null,
          placedAt: null,
          receiver: { name: r.name, phone: r.phone, province: r.province || null, city: r.city || null, district: r.district || null, address: r.address },
          lines: g.lines.map((l, i) => ({ externalLineId: String(i + 1), listingCode: l.skuCode, variantId: null, title: null, qty: l.qty, priceFen: null })),
          totalFen: null,
          currency: null,
          buyerNote: g.note,
          coldChain: g.coldChain,
        };
        const list = byOwner.get(ownerId) ?? [];
        list.push({ g, incoming });
        byOwner.set(ownerId, list);
      }
      for (const [ownerId, list] of byOwner) {
        // an order the warehouse is already working on is not rewritten by a changed file
        const existing = new Map<string, any>();
        for (let i = 0; i < list.length; i += 500) {
          const rows = await trx('orders').where({ owner_id: ownerId, source: 'direct' }).whereIn('external_id', list.slice(i, i + 500).map((x) => x.g.externalId)).select('external_id', 'status', 'body_hash');
          for (const row of rows) existing.set(row.external_id, row);
        }
        const accepted = list.filter(({ g, incoming }) => {
          const prev = existing.get(g.externalId);
          if (prev && prev.body_hash !== contentHash(incoming) && !EDITABLE.includes(prev.status)) {
            g.errors.push({ row: g.firstRow, column: 'order_no', code: 'order_in_progress', message: `order ${g.externalId} is already ${prev.status}; it can no longer be changed by import` });
            return false;
          }
          return true;
        });
        for (let i = 0; i < accepted.length; i += 500) {
          const chunk = accepted.slice(i, i + 500);
          const outcomes = await ingestOrders(trx, ctx.config.dataKey, { ownerId, storeId: null, channel: 'import', actor: actorOf(caller.principal) }, chunk.map((x) => x.incoming));
          if (!opts.dryRun) await allocateSoon(ctx, trx, outcomes.filter((o) => o.released).map((o) => o.id));
          for (const o of outcomes) {
            result.orders++;
            if (o.result === 'created') result.created++;
            else if (o.result === 'updated') result.updated++;
            else result.unchanged++;
            if (o.status === 'held') {
              result.held++;
              if (result.heldOrders.length < 1000) result.heldOrders.push({ externalId: o.externalId, holdReason: o.holdReason, holdDetail: o.holdDetail });
            }
          }
        }
      }
      for (const g of groups.values()) {
        if (!g.errors.length) continue;
        result.errors.push(...g.errors);
        const bad = new Set(g.errors.map((e) => e.row));
        for (const row of g.rows) {
          if (!bad.has(row)) result.errors.push({ row, column: null, code: 'order_rejected', message: `order ${g.externalId} is left out because of row ${[...bad][0]}` });
        }
      }
      if (opts.dryRun) throw new DryRun();
      if (result.created + result.updated) {
        await audit(trx, caller, { action: 'import_orders', entity: 'order', ownerId: seller ? caller.principal.ownerId : opts.ownerId ?? null, details: { created: result.created, updated: result.updated, held: result.held } });
      }
    });
  } catch (err) {
    if (!(err instanceof DryRun)) throw err;
  }
  result.errors.sort((a, b) => a.row - b.row);
  return result;
}
