import type { AppContext } from '../context';
import type { Caller } from '../auth/principal';
import { inTransaction } from '../db/transaction';
import { nowDb } from '../db/time';
import { BusinessRule, Conflict, NotFound } from '../http/errors';
import { findByBarcode } from '../catalog';
import { actorOf } from '../orders/orders.model';

/**
 * The put-wall: an operator takes the units of a multi-order batch out of its tote one by one;
 * each scan answers the slot of the order the unit belongs to (the oldest slot still missing
 * that item). When a slot has all its units the order is ready to pack.
 */
export async function putwallScan(ctx: AppContext, caller: Caller, input: { waveId: number; batchNo?: number; barcode: string }) {
  return inTransaction(ctx.db, async (trx) => {
    const wave = await trx('waves').where({ id: input.waveId }).first();
    if (!wave) throw new NotFound('wave');
    if (['cancelled', 'done'].includes(wave.status)) throw new Conflict('WAVE_CLOSED', `Wave ${wave.id} is ${wave.status}`);
    const batches = trx('wave_batches').where({ wave_id: input.waveId, kind: 'multi' });
    if (input.batchNo) batches.where({ batch_no: input.batchNo });
    const batchIds = (await batches.select('id')).map((b: any) => Number(b.id));
    if (!batchIds.length) throw new BusinessRule('NOT_A_SORT_BATCH', 'This wave has no multi-unit batch to sort (single-unit orders need no put-wall)');
    // the scan names a SKU of one of the wave's owners
    const owners = (await trx('wave_orders').join('orders', 'orders.id', 'wave_orders.order_id').where('wave_orders.wave_id', input.waveId).distinct('orders.owner_id')).map((r: any) => Number(r.owner_id));
    let skuId: number | null = null;
    let perScan = 1;
    for (const ownerId of owners) {
      const hit = await findByBarcode(trx, ownerId, input.barcode.trim());
      if (hit) {
        skuId = hit.skuId;
        perScan = hit.qty;
        break;
      }
    }
    if (!skuId) throw new BusinessRule('WRONG_ITEM', `${input.barcode} is not an item of this wave`, [{ field: 'barcode', code: 'wrong_item', message: 'not in this wave' }]);
    if (perScan !== 1) throw new BusinessRule('SCAN_UNITS', 'Scan each unit at the put-wall, not the case');
    // picked units of that SKU not yet sorted, oldest slot first
    const a = await trx('allocations')
      .join('wave_orders', 'wave_orders.order_id', 'allocations.order_id')
      .whereIn('wave_orders.batch_id', batchIds)
      .where('wave_orders.wave_id', input.waveId)
      .whereNot('wave_orders.status', 'cancelled')
      .where('allocations.sku_id', skuId)
      .where('allocations.status', 'picked')
      .whereRaw('allocations.sorted_qty < allocations.qty')
      .orderBy(['wave_orders.slot_no', 'allocations.id'])
      .forUpdate()
      .first('allocations.id', 'allocations.order_id', 'wave_orders.id as slot_id', 'wave_orders.slot_no', 'wave_orders.units', 'wave_orders.sorted_units');
    if (!a) {
      const waiting = await trx('allocations').join('wave_orders', 'wave_orders.order_id', 'allocations.order_id').whereIn('wave_orders.batch_id', batchIds).where('allocations.sku_id', skuId).where('allocations.status', 'open').first('allocations.id');
      throw new BusinessRule(waiting ? 'NOT_PICKED_YET' : 'NOTHING_TO_SORT', waiting ? 'This item has not been picked into the tote yet' : 'Every unit of this item is already in its slot: this one is extra', [{ field: 'barcode', code: 'extra', message: 'no slot needs it' }]);
    }
    const now = nowDb();
    await trx('allocations').where({ id: a.id }).update({ sorted_qty: trx.raw('sorted_qty + 1'), updated_at: now });
    const sorted = a.sorted_units + 1;
    const complete = sorted >= a.units;
    await trx('wave_orders').where({ id: a.slot_id }).update({ sorted_units: sorted, status: complete ? 'ready' : 'sorting' });
    const order = await trx('orders').where({ id: a.order_id }).first('external_id', 'status');
    if (complete) {
      await trx('order_events').insert({ order_id: a.order_id, event: 'sorted', from_status: order.status, to_status: order.status, actor: actorOf(caller.principal), message: `put-wall slot ${a.slot_no} complete: ready to pack`, created_at: now });
    }
    return { slotNo: a.slot_no, orderId: Number(a.order_id), externalId: order.external_id, sortedUnits: sorted, units: a.units, slotComplete: complete, readyToPack: complete && order.status === 'picked' };
  });
}
