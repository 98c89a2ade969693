/**
 * PDF: render real labels, rasterise them at a thermal printer's 203 dpi with pdftoppm and
 * decode the barcodes with zbarimg; pdftotext proves the Chinese text is real text in an
 * embedded font (not shapes, not missing glyphs).
 */
import { execFileSync } from 'node:child_process';
import { skuLabel } from '../../../printers/labels/sku-label';
import { renderPdf } from '../../../printers/render/pdf';
import { renderLabels, type RenderWarning } from '../../../printers/render';
import { ORANGE, ORANGE_NO_BARCODE, pdfText, pdfToPngs, tmpDir, waybillLike, zbar } from '../../helpers/printing';
import fs from 'node:fs';
import path from 'node:path';

test('SKU labels (both sizes, EAN-13, Code 128, UPC-A, EAN-8) and a waybill-like label: one page each, every barcode scans', async () => {
  const labels = [
    skuLabel(ORANGE, '60x40'),
    skuLabel(ORANGE_NO_BARCODE, '60x40'),
    skuLabel(ORANGE, '100x50'),
    skuLabel(ORANGE_NO_BARCODE, '100x50'),
    skuLabel({ ...ORANGE, barcode: '036000291452' }, '60x40'),
    skuLabel({ ...ORANGE, barcode: '96385074' }, '100x50'),
    waybillLike(),
  ];
  const pdf = await renderPdf(labels);
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  const pages = pdfToPngs(pdf, 203);
  expect(pages).toHaveLength(labels.length);
  expect(pages.map(zbar)).toEqual([
    ['EAN-13:6901234567892'],
    ['CODE-128:GNQC-ORANGE-5KG'],
    ['EAN-13:6901234567892'],
    ['CODE-128:GNQC-ORANGE-5KG'],
    ['UPC-A:036000291452'],
    ['EAN-8:96385074'],
    ['CODE-128:SF1234567890123', 'QR-Code:https://wms.example/w/SF1234567890123'],
  ]);
  // Page size = label size (pt): 60x40 mm and 100x50 mm.
  const dir = tmpDir('info');
  fs.writeFileSync(path.join(dir, 'a.pdf'), pdf);
  const info = execFileSync('pdfinfo', ['-f', '1', '-l', '3', path.join(dir, 'a.pdf')], { encoding: 'utf8' });
  expect(info).toMatch(/Page +1 size: +170\.0\d* x 113\.3\d* pts/);
  expect(info).toMatch(/Page +3 size: +283\.4\d* x 141\.7\d* pts/);
});

test('the Chinese text is in the text layer, in the embedded Noto Sans SC', async () => {
  const pdf = await renderPdf([skuLabel(ORANGE, '60x40'), skuLabel(ORANGE, '100x50')]);
  const text = pdfText(pdf);
  expect(text).toContain('赣南脐橙 5斤装 特级果');
  expect(text).toContain('货主：信丰县脐橙种植专业合作社');
  expect(text).toContain('GNQC-ORANGE-5KG');
  expect(pdf.toString('latin1')).toMatch(/\/FontName \/[A-Z]{6}\+NotoSansSC-Bold/); // subset embedded
});

test('emoji and other unprintable characters are replaced and reported, not thrown', async () => {
  const label = skuLabel({ ...ORANGE, name: '脐橙🍊礼盒', ownerName: '合作社\u0007' }, '60x40');
  const r = await renderLabels([label, label], 'pdf', { copies: 2 });
  expect(r.contentType).toBe('application/pdf');
  expect(pdfToPngs(r.data)).toHaveLength(4);
  const chars = r.warnings.filter((w: RenderWarning) => w.code === 'unsupported-char');
  expect(chars.map((w) => [w.labelIndex, w.elementIndex, w.chars])).toEqual([
    [0, 0, ['🍊']],
    [0, 4, ['\u0007']],
    [1, 0, ['🍊']],
    [1, 4, ['\u0007']],
  ]);
  expect(pdfText(r.data)).toContain('脐橙?礼盒');
});
