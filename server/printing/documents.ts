import type { AppContext } from '../context';
import type { Tx } from '../db/knex';
import { BusinessRule, NotFound } from '../http/errors';
import { openReceiver } from '../orders/ingest';
import type { Label } from '../../printers/label';
import { waybillLabel, type WaybillInput, type WaybillSize } from '../../printers/documents/waybill';

/** What the QR code of a waybill carries: waybill number, carrier and routing code, '|'-separated. */
export function waybillQr(waybillNo: string, carrierCode: string, routingCode: string | null): string {
  return [waybillNo, carrierCode, routingCode ?? ''].join('|');
}

/** Everything printed on a parcel's waybill, read from the database (receiver unsealed, masked by the document). */
export async function waybillInputOf(ctx: AppContext, db: Tx, parcelId: number): Promise<WaybillInput> {
  const parcel = await db('parcels').where({ id: parcelId }).first();
  if (!parcel) throw new NotFound('parcel');
  if (parcel.status !== 'labelled' || !parcel.waybill_no) {
    throw new BusinessRule('NO_WAYBILL', parcel.status === 'voided' ? 'The waybill of this parcel was voided: it must not be printed' : 'This parcel has no waybill yet');
  }
  const [order, owner, carrier, warehouse, items] = await Promise.all([
    db('orders').where({ id: parcel.order_id }).first(),
    db('owners').where({ id: parcel.owner_id }).first(),
    db('carriers').where({ id: parcel.carrier_id }).first(),
    db('warehouses').orderBy('id').first(),
    db('parcel_items').join('skus', 'skus.id', 'parcel_items.sku_id').where('parcel_items.parcel_id', parcelId).groupBy('skus.id', 'skus.name').select('skus.name').sum({ qty: 'parcel_items.qty' }),
  ]);
  if (order.pii_purged_at) throw new BusinessRule('RECEIVER_ERASED', "The receiver's personal data has been erased: the label cannot be printed again");
  const receiver = openReceiver(ctx.config.dataKey, order);
  return {
    carrierName: carrier.name,
    carrierCode: carrier.code,
    waybillNo: parcel.waybill_no,
    routingCode: parcel.routing_code ?? null,
    sortCenter: parcel.sort_center ?? null,
    sender: { name: owner.name, phone: owner.phone || warehouse?.phone || '', address: [warehouse?.province, warehouse?.city, warehouse?.district, warehouse?.address].filter(Boolean).join(' ') || (warehouse?.name ?? '') },
    receiver: { name: receiver.name, phone: receiver.phone, province: receiver.province ?? '', city: receiver.city ?? '', district: receiver.district ?? '', address: receiver.address },
    pieces: Number(parcel.pieces),
    weightG: Number(parcel.weight_g),
    items: items.map((i: any) => ({ name: i.name, qty: Number(i.qty) })),
    qrData: waybillQr(parcel.waybill_no, carrier.code, parcel.routing_code ?? null),
    orderNo: order.external_id,
    temperature: parcel.temperature,
    printedAt: new Date(),
  };
}

export async function waybillDocument(ctx: AppContext, db: Tx, parcelId: number, size: WaybillSize): Promise<Label> {
  return waybillLabel(await waybillInputOf(ctx, db, parcelId), size);
}

/** A test page: the printer's settings in Chinese and Latin text, a Code 128 and a QR to scan. */
export function testPage(printer: { id: number; name: string; language: string; dpi: number; paper_size: string }): Label {
  const [w, h] = String(printer.paper_size).split('x').map(Number);
  const data = `TEST-${printer.id}`;
  return {
    widthMm: w,
    heightMm: h,
    elements: [
      { kind: 'box', xMm: 1, yMm: 1, widthMm: w - 2, heightMm: h - 2, thicknessMm: 0.4 },
      { kind: 'text', xMm: 4, yMm: 4, text: '打印测试页 TEST PAGE', sizeMm: 6, bold: true, maxWidthMm: w - 8, overflow: 'shrink' },
      { kind: 'text', xMm: 4, yMm: 14, text: `${printer.name} · ${printer.language.toUpperCase()} · ${printer.dpi} dpi · ${printer.paper_size} mm`, sizeMm: 3.5, maxWidthMm: w - 8, maxLines: 2 },
      { kind: 'text', xMm: 4, yMm: 24, text: '中文字样：江西省赣州市信丰县 脐橙 ¥ 0123456789', sizeMm: 4, maxWidthMm: w - 8, maxLines: 2 },
      { kind: 'barcode', symbology: 'code128', xMm: 6, yMm: 38, data, heightMm: 15, moduleMm: 0.375 },
      { kind: 'barcode', symbology: 'qr', xMm: 6, yMm: 62, data: `${data}|${printer.name}`, moduleMm: 0.75, ecLevel: 'M' },
      { kind: 'text', xMm: 4, yMm: h - 12, text: new Date().toISOString().slice(0, 19).replace('T', ' ') + ' UTC', sizeMm: 3, maxWidthMm: w - 8 },
    ],
  };
}
