/** Pure tests of the label model: GTIN check digits, barcode choice, Code 128 planning, layout and validation. */
import bwipjs from 'bwip-js';
import { gtinCheckDigit, isValidGtin } from '../../../printers/barcode-check';
import { planCode128 } from '../../../printers/code128';
import { inkRects, layoutText, validateLabel } from '../../../printers/layout';
import { barcodeRect, quietZoneRect, symbolModules, type BarcodeElement, type Label, type TextElement } from '../../../printers/label';
import { chooseBarcode, skuLabel, type SkuLabelInput, type SkuLabelSize } from '../../../printers/labels/sku-label';
import { safeText } from '../../../printers/render/common';
import { ORANGE, waybillLike } from '../../helpers/printing';

describe('GTIN check digit', () => {
  test.each([
    ['6901234567892', true], // EAN-13
    ['6901234567891', false],
    ['96385074', true], // EAN-8
    ['96385075', false],
    ['036000291452', true], // UPC-A
    ['036000291453', false],
    ['10614141000415', true], // GTIN-14
    ['10614141000416', false],
    ['690123456789', false], // 12 digits but the check digit is wrong for UPC-A
    ['6901234567892 ', false],
    ['69012345678920', false],
    ['ABCDEFGHIJKLM', false],
    ['', false],
    ['1234567', false], // 7 digits: no GTIN length
  ])('%s → %s', (code, ok) => expect(isValidGtin(code)).toBe(ok));

  test('the check digit is the GS1 mod-10 of the payload', () => {
    expect(gtinCheckDigit('690123456789')).toBe(2);
    expect(gtinCheckDigit('9638507')).toBe(4);
    expect(gtinCheckDigit('03600029145')).toBe(2);
    expect(gtinCheckDigit('000000000000')).toBe(0);
  });
});

describe('barcode choice for a SKU', () => {
  const c = (barcode: string | null, skuCode = 'SKU-1') => chooseBarcode({ skuCode, barcode });
  test('valid GS1 codes keep their symbology', () => {
    expect(c('6901234567892')).toEqual({ symbology: 'ean13', data: '6901234567892' });
    expect(c('96385074')).toEqual({ symbology: 'ean8', data: '96385074' });
    expect(c('036000291452')).toEqual({ symbology: 'upca', data: '036000291452' });
    expect(c(' 6901234567892 ')).toEqual({ symbology: 'ean13', data: '6901234567892' });
  });
  test('anything else is Code 128 of the barcode, or of the SKU code when there is none', () => {
    expect(c('6901234567891')).toEqual({ symbology: 'code128', data: '6901234567891' }); // wrong check digit
    expect(c('10614141000415')).toEqual({ symbology: 'code128', data: '10614141000415' }); // GTIN-14: no ITF-14 here
    expect(c('GNQC-ORANGE-5KG')).toEqual({ symbology: 'code128', data: 'GNQC-ORANGE-5KG' });
    expect(c(null)).toEqual({ symbology: 'code128', data: 'SKU-1' });
    expect(c('  ')).toEqual({ symbology: 'code128', data: 'SKU-1' });
    expect(c('橙子001', 'SKU-2')).toEqual({ symbology: 'code128', data: 'SKU-2' }); // Code 128 cannot carry Chinese
    expect(() => c(null, '脐橙')).toThrow(/Code 128/);
  });
});

describe('Code 128 plan', () => {
  const cases = ['GNQC-ORANGE-5KG', '1234567890', '123456789', 'SF1234567890123', 'ab12345678cd', 'JT0001234567890', 'X', '00', 'LOT-2026-11-23-0001', 'a{b>c^d~e'];
  test.each(cases)('%s: as narrow as bwip-js encodes it, and decodes back to the data', (data) => {
    const plan = planCode128(data);
    const bwip = (bwipjs.raw({ bcid: 'code128', text: data }) as unknown as Array<{ sbs: number[] }>)[0].sbs.reduce((a, b) => a + b, 0);
    expect(plan.modules).toBeLessThanOrEqual(bwip);
    expect(plan.segments.map((s) => s.text).join('')).toBe(data);
    for (const s of plan.segments) if (s.set === 'C') expect(s.text).toMatch(/^(\d\d)+$/);
  });
  test('digit runs use subset C, letters subset B', () => {
    expect(planCode128('1234567890').segments).toEqual([{ set: 'C', text: '1234567890' }]);
    expect(planCode128('SF1234567890123').segments).toEqual([
      { set: 'B', text: 'SF1' },
      { set: 'C', text: '234567890123' },
    ]);
    expect(() => planCode128('橙')).toThrow(/ASCII/);
  });
});

describe('text layout', () => {
  const text = (over: Partial<TextElement>): TextElement => ({ kind: 'text', xMm: 2, yMm: 2, text: '', sizeMm: 4, ...over });
  test('Chinese wraps between characters, to at most maxLines, ending in … when cut', () => {
    const t = layoutText(text({ text: '赣南脐橙新鲜水果当季整箱包邮江西信丰原产地直发', maxWidthMm: 40, maxLines: 2 }), 60);
    expect(t.lines).toHaveLength(2);
    expect(t.lines[0].text).toBe('赣南脐橙新鲜水果当季'); // 10 ideographs of 4 mm in 40 mm
    expect(t.lines[1].text.endsWith('…')).toBe(true);
    expect(t.truncated).toBe(true);
    for (const l of t.lines) expect(l.widthMm).toBeLessThanOrEqual(40 + 1e-6);
    expect(t.lines[1].yMm).toBeCloseTo(2 + 4 * 1.25);
  });
  test('Latin words stay whole; closing punctuation never starts a line', () => {
    const words = layoutText(text({ text: 'Gannan navel oranges 5kg', maxWidthMm: 30, maxLines: 3 }), 60);
    expect(words.lines.map((l) => l.text)).toEqual(['Gannan navel', 'oranges 5kg']);
    const punct = layoutText(text({ text: '一二三四五六七八九十，好', maxWidthMm: 40, maxLines: 2 }), 60);
    expect(punct.lines[1].text.startsWith('，')).toBe(false);
  });
  test('shrink reduces the size until the text fits, align centre positions within the box', () => {
    const t = layoutText(text({ text: '571-K12 08 A', sizeMm: 20, maxWidthMm: 60, overflow: 'shrink', align: 'center' }), 100);
    expect(t.lines).toHaveLength(1);
    expect(t.sizeMm).toBeLessThan(20);
    expect(t.lines[0].widthMm).toBeLessThanOrEqual(60);
    expect(t.lines[0].xMm - 2).toBeCloseTo((60 - t.lines[0].widthMm) / 2);
  });
});

describe('SKU label layout', () => {
  const variants: Array<[string, SkuLabelInput]> = [
    ['EAN-13', ORANGE],
    ['Code 128 of the SKU code', { ...ORANGE, barcode: null }],
    ['UPC-A', { ...ORANGE, barcode: '036000291452' }],
    ['EAN-8', { ...ORANGE, barcode: '96385074' }],
    ['long name, no spec/owner/unit', { skuCode: 'GNQC-ORANGE-5KG', name: '赣南脐橙 5斤装 特级果 新鲜水果当季整箱包邮 江西信丰原产地直发 坏果包赔', barcode: 'GNQC-2026-0001' }],
    ['long owner and unit', { ...ORANGE, ownerName: '江西省赣州市信丰县脐橙种植农民专业合作社联合社第一分社', unit: '箱(10kg)' }],
  ];
  const sizes: SkuLabelSize[] = ['60x40', '100x50'];

  for (const size of sizes) {
    test.each(variants)(`${size} %s: every element inside the label, quiet zones white`, (_, sku) => {
      const label = skuLabel(sku, size);
      expect(validateLabel(label)).toEqual([]);
      const [w, h] = size.split('x').map(Number);
      expect([label.widthMm, label.heightMm]).toEqual([w, h]);
      // Independently of validateLabel: recompute the boxes and check them here.
      const barcode = label.elements.find((e): e is BarcodeElement => e.kind === 'barcode')!;
      for (const dpi of [203, 300]) {
        const qz = quietZoneRect(barcode, dpi);
        const module = barcode.moduleMm ?? 0.25;
        expect(qz.xMm).toBeGreaterThanOrEqual(0);
        expect(qz.xMm + qz.widthMm).toBeLessThanOrEqual(w);
        expect(qz.yMm + qz.heightMm).toBeLessThanOrEqual(h + 1e-9);
        expect(barcodeRect(barcode, dpi).xMm - qz.xMm).toBeGreaterThanOrEqual(10 * module * 0.99);
        for (const other of label.elements) {
          if (other === barcode) continue;
          for (const r of inkRects(other, w, dpi)) {
            expect(r.xMm).toBeGreaterThanOrEqual(0);
            expect(r.xMm + r.widthMm).toBeLessThanOrEqual(w + 1e-9);
            expect(r.yMm + r.heightMm).toBeLessThanOrEqual(qz.yMm); // all text is above the barcode's quiet zone
          }
        }
      }
      const name = label.elements[0] as TextElement;
      expect(layoutText(name, w).lines.length).toBeLessThanOrEqual(2);
    });
  }

  test('module widths: at least 2 dots at 203 dpi; 100x50 uses wider bars when they fit', () => {
    const small = skuLabel(ORANGE, '60x40').elements.find((e) => e.kind === 'barcode')!;
    const large = skuLabel(ORANGE, '100x50').elements.find((e) => e.kind === 'barcode')!;
    expect((small as BarcodeElement).moduleMm).toBe(0.25);
    expect((large as BarcodeElement).moduleMm).toBe(0.33);
    const longCode = skuLabel({ ...ORANGE, barcode: 'GNQC-ORANGE-5KG-2026-11' }, '100x50').elements.find((e) => e.kind === 'barcode')!;
    expect((longCode as BarcodeElement).moduleMm).toBe(0.25); // fell back to fit
  });

  test('a code too long for the label is refused rather than printed without quiet zones', () => {
    expect(() => skuLabel({ ...ORANGE, barcode: 'GNQC-ORANGE-5KG-2026-11-23' }, '60x40')).toThrow(/too long/);
  });
});

describe('validation catches what would print wrong', () => {
  test('text in a quiet zone, a barcode off the label, a wrong check digit', () => {
    const label: Label = {
      widthMm: 60,
      heightMm: 40,
      elements: [
        { kind: 'barcode', symbology: 'code128', xMm: 2, yMm: 10, data: 'ABC-123', heightMm: 10 },
        { kind: 'text', xMm: 0.5, yMm: 12, text: '1', sizeMm: 3 },
        { kind: 'barcode', symbology: 'ean13', xMm: 40, yMm: 25, data: '6901234567891', heightMm: 8 },
        { kind: 'barcode', symbology: 'ean8', xMm: 45, yMm: 25, data: '96385074', heightMm: 8 },
      ],
    };
    const problems = validateLabel(label);
    expect(problems.some((p) => p.elementIndex === 0 && /quiet zone.*outside/.test(p.message))).toBe(true); // 2 mm < 10 modules
    expect(problems.some((p) => p.elementIndex === 0 && /element 1 \(text\) intrudes/.test(p.message))).toBe(true);
    expect(problems.some((p) => p.elementIndex === 2 && /check digit/.test(p.message))).toBe(true);
    expect(problems.some((p) => p.elementIndex === 3 && /outside/.test(p.message))).toBe(true);
  });

  test('the waybill-like label (100x150, QR, routing code) is valid', () => {
    const w = waybillLike();
    expect(validateLabel(w)).toEqual([]);
    const qr = w.elements.find((e): e is BarcodeElement => e.kind === 'barcode' && e.symbology === 'qr')!;
    expect(symbolModules(qr)).toBe(29); // 37 bytes at level M → version 3
  });
});

describe('characters printers cannot print', () => {
  test('emoji become ? for both targets; GBK covers Chinese; invisible selectors are dropped', () => {
    expect(safeText('脐橙😀好', 'font')).toEqual({ text: '脐橙?好', replaced: ['😀'] });
    expect(safeText('脐橙😀好', 'gbk')).toEqual({ text: '脐橙?好', replaced: ['😀'] });
    expect(safeText('❤️', 'gbk').text).toBe('?');
    expect(safeText('赣南 ABC-1 ①', 'gbk').replaced).toEqual([]);
    // CJK extension A: in Noto Sans SC, but GB18030 encodes it in 4 bytes (no printer font has it)
    expect(safeText('㐀', 'font').replaced).toEqual([]);
    expect(safeText('㐀', 'gbk').text).toBe('?');
    expect(safeText('a\u0007b', 'font').text).toBe('a?b');
  });
});
