import type { AppContext } from '../context';
import type { Caller } from '../auth/principal';
import { skuLabel, SkuLabelSize } from '../../printers/labels/sku-label';
import { renderLabels, LabelFormat } from '../../printers/render';
import { getSkuRow } from './skus.service';

/** A SKU's barcode label in the printer's language, `copies` times, for 60x40 or 100x50 stock. */
export async function renderSkuLabel(
  ctx: AppContext,
  caller: Caller,
  id: number,
  opts: { format: LabelFormat; size: SkuLabelSize; copies: number; dpi: 203 | 300 },
) {
  const sku = await getSkuRow(ctx.db, caller, id);
  const [owner, barcode] = await Promise.all([
    ctx.db('owners').where({ id: sku.owner_id }).first('name'),
    ctx.db('sku_barcodes').where({ sku_id: id, qty: 1 }).orderBy('position').first('barcode'),
  ]);
  const label = skuLabel(
    { skuCode: sku.sku_code, name: sku.name, spec: sku.spec, unit: sku.unit, barcode: barcode?.barcode ?? null, ownerName: owner?.name ?? null },
    opts.size,
  );
  const rendered = await renderLabels([label], opts.format, { copies: opts.copies, dpi: opts.dpi, title: `${sku.sku_code} ${sku.name}` });
  return { ...rendered, filename: `sku-${sku.sku_code.replace(/[^A-Za-z0-9._-]/g, '_')}-${opts.size}.${rendered.extension}` };
}
