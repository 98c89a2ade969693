/**
 * ZPL: render with zpl-renderer-js (Zebrash compiled to WASM) to a PNG and decode the barcodes
 * with zbarimg; check the ^GFA text bitmaps by decoding Zebra's compression independently.
 */
import type { Label } from '../../../printers/label';
import { skuLabel } from '../../../printers/labels/sku-label';
import { rasteriseLine, type Bitmap } from '../../../printers/raster';
import { encodeGfaData, renderZpl } from '../../../printers/render/zpl';
import { ORANGE, ORANGE_NO_BARCODE, readPng, waybillLike, zbar, zplToPng } from '../../helpers/printing';

// UPC-A (^BU) and EAN-8 (^B8) are not rendered here: Zebrash does not implement them (it
// prints their data as text). Their commands are checked in the format test below.
const cases: Array<[string, () => Label, 203 | 300, string[]]> = [
  ['60x40 EAN-13', () => skuLabel(ORANGE, '60x40'), 203, ['EAN-13:6901234567892']],
  ['60x40 Code 128', () => skuLabel(ORANGE_NO_BARCODE, '60x40'), 203, ['CODE-128:GNQC-ORANGE-5KG']],
  ['100x50 EAN-13', () => skuLabel(ORANGE, '100x50'), 203, ['EAN-13:6901234567892']],
  ['100x50 Code 128', () => skuLabel(ORANGE_NO_BARCODE, '100x50'), 203, ['CODE-128:GNQC-ORANGE-5KG']],
  ['60x40 EAN-13 at 300 dpi', () => skuLabel(ORANGE, '60x40'), 300, ['EAN-13:6901234567892']],
  ['100x50 Code 128 at 300 dpi', () => skuLabel(ORANGE_NO_BARCODE, '100x50'), 300, ['CODE-128:GNQC-ORANGE-5KG']],
  ['100x150 waybill-like: Code 128 + QR', waybillLike, 203, ['CODE-128:SF1234567890123', 'QR-Code:https://wms.example/w/SF1234567890123']],
  ['100x150 waybill-like at 300 dpi', waybillLike, 300, ['CODE-128:SF1234567890123', 'QR-Code:https://wms.example/w/SF1234567890123']],
];

test.each(cases)('%s: rendered, the barcodes scan', async (_, make, dpi, expected) => {
  const label = make();
  const zpl = renderZpl(label, { dpi });
  expect(zbar(await zplToPng(zpl, label, dpi))).toEqual(expected);
});

test('format: size, UTF-8, Chinese as bitmaps, ASCII in the printer font, printer barcodes, copies', () => {
  const zpl = renderZpl(skuLabel(ORANGE, '60x40'), { dpi: 203, copies: 3 }).toString('utf8');
  expect(zpl.startsWith('^XA\n^CI28\n^PW480\n^LL320\n')).toBe(true);
  expect(zpl.trimEnd().endsWith('^PQ3\n^XZ')).toBe(true);
  expect(zpl).toContain('^A0N,24,24^FDGNQC-ORANGE-5KG^FS');
  expect(zpl).toMatch(/\^BY2\^BEN,78,Y,N\^FD690123456789\^FS/); // 12 digits: the printer adds the check digit
  expect(zpl).not.toMatch(/[\u4e00-\u9fff]/); // no Chinese characters left for a printer without a CJK font
  expect(zpl.match(/\^GFA,/g)!.length).toBe(4); // name, spec, unit, owner
  const code128 = renderZpl(skuLabel(ORANGE_NO_BARCODE, '60x40'), { dpi: 203 }).toString('utf8');
  expect(code128).toContain('^BCN,78,Y,N,N,N^FD>:GNQC-ORANGE-5KG^FS');
  const upca = renderZpl(skuLabel({ ...ORANGE, barcode: '036000291452' }, '60x40'), { dpi: 203 }).toString('utf8');
  expect(upca).toMatch(/\^BY2\^BUN,78,Y,N,Y\^FD03600029145\^FS/); // 11 digits + printed check digit
  const ean8 = renderZpl(skuLabel({ ...ORANGE, barcode: '96385074' }, '60x40'), { dpi: 300 }).toString('utf8');
  expect(ean8).toMatch(/\^BY3\^B8N,116,Y,N\^FD9638507\^FS/);
  expect(renderZpl(waybillLike(), { dpi: 203 }).toString('utf8')).toContain('^BQN,2,6,M,7^FDMA,https://wms.example/w/SF1234567890123^FS');
});

/** Width in dots of the bars on one row of a PNG. */
function barWidth(file: string, row: number): number {
  const png = readPng(file);
  let first = -1, last = -1;
  for (let x = 0; x < png.width; x++) {
    if (png.grey(x, row) < 128) {
      if (first < 0) first = x;
      last = x;
    }
  }
  return last - first + 1;
}

test.each([
  ['GNQC-ORANGE-5KG', '>:GNQC-ORANGE-5KG', 200], // subset B
  ['1234567890', '>;1234567890', 90], // subset C: half the width of B
  ['123456AB', '>;123456>6AB', 101], // C, then switch to B
])('Code 128 %s is encoded as %s, %i modules wide', async (data, fd, modules) => {
  const label: Label = { widthMm: 100, heightMm: 20, elements: [{ kind: 'barcode', symbology: 'code128', xMm: 5, yMm: 2, data, heightMm: 10 }] };
  const zpl = renderZpl(label, { dpi: 203 });
  expect(zpl.toString()).toContain(`^FD${fd}^FS`);
  const png = await zplToPng(zpl, label);
  expect(zbar(png)).toEqual([`CODE-128:${data}`]);
  expect(barWidth(png, 40)).toBe(modules * 2);
  // (A switch from B to C, ">5", is not checked this way: Zebrash emits CODE B for it and
  // stays in B, so its drawing is wider than a Zebra printer's. The scan still matches.)
});

/** Zebra's ASCII compression, decoded independently of the encoder. */
function decodeGfa(data: string, bytesPerRow: number, rows: number): Uint8Array {
  const out = new Uint8Array(bytesPerRow * rows);
  const hexPerRow = bytesPerRow * 2;
  let row = 0, col = 0, count = 0;
  let prevRow = '';
  let cur = '';
  const endRow = () => {
    cur = cur.padEnd(hexPerRow, '0');
    for (let i = 0; i < bytesPerRow; i++) out[row * bytesPerRow + i] = parseInt(cur.slice(2 * i, 2 * i + 2), 16);
    prevRow = cur;
    cur = '';
    col = 0;
    row++;
  };
  for (const c of data) {
    if (c >= 'G' && c <= 'Y') count += c.charCodeAt(0) - 70;
    else if (c >= 'g' && c <= 'z') count += (c.charCodeAt(0) - 102) * 20;
    else if (c === ',') endRow();
    else if (c === ':') {
      cur = prevRow;
      endRow();
    } else {
      cur += c.repeat(count || 1);
      col += count || 1;
      count = 0;
      if (col >= hexPerRow) endRow();
    }
  }
  expect(row).toBe(rows);
  return out;
}

test('^GFA compression decodes back to the rasterised text bitmap', () => {
  for (const [text, size] of [['赣南脐橙 5斤装 特级果', 30], ['货主：信丰县脐橙种植专业合作社', 21], ['一', 40]] as const) {
    const bmp: Bitmap = rasteriseLine(text, size, 'regular');
    const data = encodeGfaData(bmp);
    expect(data.length).toBeLessThan(bmp.data.length * 2); // compression pays off
    expect(Buffer.from(decodeGfa(data, bmp.bytesPerRow, bmp.height)).equals(Buffer.from(bmp.data))).toBe(true);
  }
});

test('the rasteriser draws glyphs where the font puts them: 一 is one horizontal stroke', () => {
  const bmp = rasteriseLine('一', 40, 'regular');
  const inked: Array<[number, number]> = [];
  for (let y = 0; y < bmp.height; y++)
    for (let x = 0; x < bmp.width; x++) if (bmp.data[y * bmp.bytesPerRow + (x >> 3)] & (0x80 >> (x & 7))) inked.push([x, y]);
  const xs = inked.map(([x]) => x), ys = inked.map(([, y]) => y);
  expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(30); // nearly the full em width
  expect(Math.max(...ys) - Math.min(...ys)).toBeLessThanOrEqual(3); // a thin stroke…
  expect(Math.min(...ys)).toBeGreaterThan(12); // …around the middle of the em box
  expect(Math.max(...ys)).toBeLessThan(28);
});
