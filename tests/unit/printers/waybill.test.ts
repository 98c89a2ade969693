/**
 * Carrier e-waybills in every format and size: the waybill number (Code 128) and the QR scan
 * from a rasterised PDF and from rendered ZPL; TSPL and ESC/POS go through sendRaw to a
 * listener and are parsed; the receiver's name and phone are masked in all four outputs.
 *
 * Waybill numbers in the ZPL cases are digit runs of even length: zpl-renderer-js draws a
 * switch from subset B to C (">5", e.g. SF1234567890123) wider than a Zebra does, which runs
 * off a 100 mm label at 203 dpi, and it drops a single digit after a switch from C to B (">6",
 * e.g. 4312345678901 decodes as 431234567890). The letter-and-digit case is decoded at 300 dpi.
 */
import iconv from 'iconv-lite';
import { waybillLabel, waybillModuleMm, WAYBILL_SIZES, type WaybillSize } from '../../../printers/documents/waybill';
import { mmToDots, type Label, type LinearBarcodeElement, type TextElement } from '../../../printers/label';
import { layoutText, validateLabel } from '../../../printers/layout';
import { rasteriseLine } from '../../../printers/raster';
import { renderLabels } from '../../../printers/render';
import { gfaField } from '../../../printers/render/zpl';
import { sendRaw } from '../../../printers/transport/tcp9100';
import { fakePrinter, parseEscpos, parseTspl, pdfText, pdfToPngs, waybillInput, zbar, zplToPng } from '../../helpers/printing';

const NUMBERS: Record<WaybillSize, string> = { '76x130': '78912345678901', '100x150': '77301234567890', '100x180': '43123456789012' };
const FULL_PHONE = '15937264810';
const MASKED_RECEIVER = '张**  159****4810';

function make(size: WaybillSize): { label: Label; waybillNo: string; qrData: string } {
  const waybillNo = NUMBERS[size];
  const qrData = `https://wms.example/w/${waybillNo}?c=ZTO`;
  return { label: waybillLabel(waybillInput({ waybillNo, qrData }), size), waybillNo, qrData };
}

const textElements = (label: Label) => label.elements.filter((e): e is TextElement => e.kind === 'text');
const barcode = (label: Label) => label.elements.find((e): e is LinearBarcodeElement => e.kind === 'barcode' && e.symbology === 'code128')!;

describe.each(WAYBILL_SIZES)('%s', (size) => {
  const { label, waybillNo, qrData } = make(size);

  test('PDF at 203 dpi: waybill number and QR scan; masked receiver in the text, the full phone nowhere', async () => {
    const pdf = (await renderLabels([label], 'pdf')).data;
    const [png] = pdfToPngs(pdf, 203);
    expect(zbar(png)).toEqual([`CODE-128:${waybillNo}`, `QR-Code:${qrData}`]);
    const text = pdfText(pdf);
    expect(text).toContain('张**');
    expect(text).toContain('159****4810');
    expect(text).toContain('刘**');
    expect(text).toContain('0797-****1234');
    expect(text).toContain('浙江省杭州市西湖区');
    expect(text.replace(/\s/g, '')).not.toContain(FULL_PHONE);
    expect(text).not.toContain('张三丰');
    expect(text).not.toContain('3321234');
  });

  test('ZPL at 203 dpi (zpl-renderer-js): both scan; the masked line is the bitmap of the masked text', async () => {
    const r = await renderLabels([label], 'zpl', { dpi: 203 });
    expect(r.warnings).toEqual([]);
    expect(zbar(await zplToPng(r.data, label, 203))).toEqual([`CODE-128:${waybillNo}`, `QR-Code:${qrData}`]);
    const zpl = r.data.toString('utf8');
    // Chinese lines are ^GFA bitmaps: the receiver's line must be exactly the masked text, drawn.
    const el = textElements(label).find((t) => t.text === MASKED_RECEIVER)!;
    const t = layoutText(el, label.widthMm);
    expect(zpl).toContain(gfaField(rasteriseLine(MASKED_RECEIVER, mmToDots(t.sizeMm, 203), 'bold')));
    expect(zpl.replace(/\^GFA[^^]*/g, '')).not.toMatch(/159\D*3726|3726\D*4810/);
  });

  test('TSPL and ESC/POS over TCP: barcode and QR commands carry the data, Chinese is GB18030, the phone masked', async () => {
    const printer = await fakePrinter();
    try {
      const tspl = await renderLabels([label], 'tspl', { dpi: 203 });
      const escpos = await renderLabels([label], 'escpos', { dpi: 203 });
      await sendRaw('127.0.0.1', printer.port, tspl.data, { timeoutMs: 5000 });
      await sendRaw('127.0.0.1', printer.port, escpos.data, { timeoutMs: 5000 });
      await printer.received(2);
      const [tsplBytes, escposBytes] = printer.jobs;
      expect(tsplBytes.equals(tspl.data) && escposBytes.equals(escpos.data)).toBe(true);

      const commands = parseTspl(tsplBytes);
      expect(commands[0]).toEqual({ name: 'SIZE', args: size.split('x').map((n) => `${n} mm`) });
      const bar = commands.find((c) => c.name === 'BARCODE')!;
      expect([bar.args[2], bar.args[6], bar.args[8]]).toEqual(['128', '3', waybillNo]); // 0.375 mm = 3 dots
      expect(Number(bar.args[3])).toBe(mmToDots(barcode(label).heightMm, 203));
      expect(commands.find((c) => c.name === 'QRCODE')!.args[8]).toBe(qrData);
      const texts = commands.filter((c) => c.name === 'TEXT');
      const receiver = texts.find((c) => c.args[6] === MASKED_RECEIVER)!;
      expect(receiver.args[2]).toBe('TSS24.BF2');
      expect(tsplBytes.includes(Buffer.from('张**', 'utf8'))).toBe(false); // GB18030 on the wire, not UTF-8
      expect(texts.map((c) => c.args[6]).join('')).toContain('浙江省杭州市西湖区');

      const { commands: pos, text } = parseEscpos(escposBytes);
      expect(pos.slice(0, 2).map((c) => c.cmd)).toEqual(['1b40', '1c26']); // ESC @, FS &
      const code128 = pos.find((c) => c.cmd === '1d6b')!;
      expect(code128.args).toEqual([73]);
      expect([...code128.data!.subarray(0, 2)]).toEqual([0x7b, 0x43]); // {C: the digits as pairs
      expect([...code128.data!.subarray(2)].map((p) => String(p).padStart(2, '0')).join('')).toBe(waybillNo);
      expect(pos.find((c) => c.cmd === '1d77')!.args).toEqual([3]);
      const qrStore = pos.filter((c) => c.cmd === '1d286b').find((c) => c.data![1] === 80)!;
      expect(qrStore.data!.subarray(3).toString('utf8')).toBe(qrData);
      expect(text).toContain(MASKED_RECEIVER);
      for (const bytes of [tsplBytes, escposBytes]) {
        const decoded = iconv.decode(bytes, 'gb18030');
        expect(decoded).not.toContain(FULL_PHONE);
        expect(decoded).not.toContain('张三丰');
      }
    } finally {
      await printer.close();
    }
  });

  test('layout: valid at 203 and 300 dpi, barcode tall enough, routing code largest', () => {
    expect(validateLabel(label)).toEqual([]);
    const bar = barcode(label);
    expect(bar.moduleMm).toBe(0.375);
    expect(bar.heightMm).toBeGreaterThanOrEqual(size === '76x130' ? 12 : 15);
    const routing = textElements(label).find((t) => t.text === '571-K12 08')!;
    expect(Math.max(...textElements(label).map((t) => t.sizeMm))).toBe(routing.sizeMm);
  });
});


test('300 dpi: PDF and ZPL scan on every size', async () => {
  for (const size of WAYBILL_SIZES) {
    const { label, waybillNo, qrData } = make(size);
    const expected = [`CODE-128:${waybillNo}`, `QR-Code:${qrData}`];
    expect(zbar(pdfToPngs((await renderLabels([label], 'pdf')).data, 300)[0])).toEqual(expected);
    expect(zbar(await zplToPng((await renderLabels([label], 'zpl', { dpi: 300 })).data, label, 300))).toEqual(expected);
  }
});

test('letters and digits (SF1234567890123, 100x180): PDF at 203, ZPL at 300, TSPL and ESC/POS carry it', async () => {
  const waybillNo = 'SF1234567890123';
  const label = waybillLabel(waybillInput({ carrierName: '顺丰速运', carrierCode: 'SF', waybillNo, qrData: `${waybillNo}|SF|755WF-020` }), '100x180');
  const expected = [`CODE-128:${waybillNo}`, `QR-Code:${waybillNo}|SF|755WF-020`];
  expect(barcode(label).moduleMm).toBe(0.375);
  expect(zbar(pdfToPngs((await renderLabels([label], 'pdf')).data, 203)[0])).toEqual(expected);
  expect(zbar(await zplToPng((await renderLabels([label], 'zpl', { dpi: 300 })).data, label, 300))).toEqual(expected);
  expect((await renderLabels([label], 'zpl', { dpi: 203 })).data.toString()).toContain('^BY3^BCN,144,Y,N,N,N^FD>:SF1>5234567890123^FS');
  expect(parseTspl((await renderLabels([label], 'tspl')).data).find((c) => c.name === 'BARCODE')!.args[8]).toBe(waybillNo);
  const pos = parseEscpos((await renderLabels([label], 'escpos')).data).commands.find((c) => c.cmd === '1d6b')!;
  expect(pos.data!.subarray(0, 5).toString('latin1')).toBe('{BSF1');
});

test('an address with an emoji and a CJK Ext-B character: printed with ? and a warning in every format, no crash', async () => {
  const input = waybillInput({ receiver: { ...waybillInput().receiver, address: '文三路90号🍊 𪚥村3号' } });
  const label = waybillLabel(input, '100x150');
  const index = label.elements.findIndex((e) => e.kind === 'text' && e.text.includes('文三路'));
  for (const format of ['pdf', 'zpl', 'tspl', 'escpos'] as const) {
    const r = await renderLabels([label], format, { dpi: 203 });
    expect(r.data.length).toBeGreaterThan(0);
    const replaced = r.warnings.filter((w) => w.code === 'unsupported-char' && w.elementIndex === index).flatMap((w) => w.chars!);
    expect(replaced).toContain('🍊');
    // the printers' built-in fonts cover GBK only: the four-byte GB18030 character is replaced there
    if (format === 'tspl' || format === 'escpos') expect(replaced).toContain('𪚥');
  }
  const tspl = parseTspl((await renderLabels([label], 'tspl')).data).filter((c) => c.name === 'TEXT').map((c) => c.args[6]).join('');
  expect(tspl).toContain('文三路90号? ?村3号');
  expect(zbar(pdfToPngs((await renderLabels([label], 'pdf')).data)[0])).toEqual([`CODE-128:${input.waybillNo}`, `QR-Code:${input.qrData}`]);
});

describe('Code 128 module width', () => {
  test('0.375 mm when the number fits the 76 mm label with its quiet zones, else 0.25 mm, else refused', () => {
    expect(waybillModuleMm('78912345678901', 76)).toBe(0.375);
    expect(waybillModuleMm('SF1234567890123', 76)).toBe(0.375);
    expect(waybillModuleMm('JDVA00012345678-1-1-', 76)).toBe(0.25); // 24 symbols: too wide at 0.375 on 76 mm
    expect(waybillModuleMm('JDVA00012345678-1-1-', 100)).toBe(0.375);
    const label = waybillLabel(waybillInput({ waybillNo: 'JDVA00012345678-1-1-' }), '76x130');
    expect(barcode(label).moduleMm).toBe(0.25);
    expect(() => waybillLabel(waybillInput({ waybillNo: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ-ABCDEFGH' }), '76x130')).toThrow(/too long for Code 128 on a 76 mm wide label/);
    expect(() => waybillLabel(waybillInput({ waybillNo: '中通123' }), '76x130')).toThrow(/cannot be printed as Code 128/);
  });

  test('the bars stay at the same place on a size whatever the number', () => {
    const tops = ['78912345678901', 'JDVA00012345678-1-1-', '1'].map((n) => barcode(waybillLabel(waybillInput({ waybillNo: n }), '76x130')).yMm);
    expect(new Set(tops).size).toBe(1);
  });

  test('bars are taller on larger stock', () => {
    const heights = WAYBILL_SIZES.map((s) => barcode(make(s).label).heightMm);
    expect(heights[0]).toBeGreaterThanOrEqual(12);
    expect(heights[1]).toBeGreaterThan(heights[0]);
    expect(heights[2]).toBeGreaterThan(heights[1]);
  });
});

describe('content', () => {
  const lines = (label: Label) => textElements(label).map((t) => layoutText(t, label.widthMm).lines.map((l) => l.text).join(''));

  test('pieces, weight in kg, items, order number, China-time date, temperature marks', () => {
    const chilled = lines(waybillLabel(waybillInput({ temperature: 'chilled', pieces: 3, pieceNo: 2, weightG: 1005 }), '76x130'));
    expect(chilled).toEqual(expect.arrayContaining(['冷藏', '2/3件  1.01kg', '订单 TB3921837465012', '2026-12-05 18:30']));
    expect(chilled.join('|')).toContain('共3件：赣南脐橙 5斤装 特级果×2，信丰萝卜干 500g×1');
    expect(lines(waybillLabel(waybillInput({ temperature: 'frozen' }), '100x150'))).toContain('冷冻');
    const ambient = lines(waybillLabel(waybillInput(), '100x150'));
    expect(ambient.some((l) => /冷藏|冷冻/.test(l))).toBe(false);
  });

  test('the region is printed once when the platform repeats it in the detail', () => {
    const r = { name: '王五', phone: '010-62345678', province: '北京市', city: '北京市', district: '朝阳区', address: '北京市朝阳区建国路88号' };
    const all = lines(waybillLabel(waybillInput({ receiver: r }), '100x150'));
    expect(all).toContain('北京市朝阳区 建国路88号');
    expect(all).toContain('王*  010-****5678');
  });

  test('the worst case fits every size: long names, address, many items, long routing code; items cut with …', () => {
    const input = waybillInput({
      carrierName: '中国邮政速递物流股份有限公司 EMS 特快专递',
      routingCode: '571-K12-08 A-0093-全国集散中心',
      sortCenter: '浙江杭州萧山国际机场航空快件集散转运中心',
      sender: { name: '江西省赣州市信丰县脐橙种植专业合作社联合社', phone: '0797-3321234转8888', address: '江西省赣州市信丰县嘉定镇正平路88号 电商产业园3栋4楼401室 脐橙分拣中心东门' },
      receiver: { name: '阿卜杜拉·买买提', phone: '13812345678转1234', province: '新疆维吾尔自治区', city: '伊犁哈萨克自治州', district: '霍尔果斯市', address: '卡拉苏河南岸经济开发区友谊西路中哈国际边境合作中心中方配套区综合服务大楼B座17层1708室（请放驿站）' },
      items: Array.from({ length: 30 }, (_, i) => ({ name: `赣南脐橙礼盒装 特级果 ${i + 1}号`, qty: i + 1 })),
      orderNo: '3921837465012398765-2026120512345678',
      pieces: 12,
      pieceNo: 12,
      weightG: 123456,
    });
    for (const size of WAYBILL_SIZES) {
      const label = waybillLabel(input, size);
      const items = textElements(label).find((t) => t.text.startsWith('共'))!;
      const layout = layoutText(items, label.widthMm);
      expect(layout.truncated).toBe(true);
      expect(layout.lines[layout.lines.length - 1].text.endsWith('…')).toBe(true);
      expect(lines(label)).toContain('阿*******  138****5678-****');
    }
  });

  test('bad counts are refused', () => {
    expect(() => waybillLabel(waybillInput({ pieces: 0 }), '76x130')).toThrow(/pieces/);
    expect(() => waybillLabel(waybillInput({ pieces: 2, pieceNo: 3 }), '76x130')).toThrow(/pieceNo/);
    expect(() => waybillLabel(waybillInput({ weightG: 1.5 }), '76x130')).toThrow(/weightG/);
    expect(() => waybillLabel(waybillInput(), '80x120' as WaybillSize)).toThrow(/unknown waybill size/);
  });
});
