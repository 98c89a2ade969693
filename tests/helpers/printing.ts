/**
 * Test helpers for the label printers: decode real images with zbarimg, rasterise PDFs with
 * pdftoppm, render ZPL with zpl-renderer-js, and a TCP listener standing in for a printer.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Label } from '../../printers/label';
import type { SkuLabelInput } from '../../printers/labels/sku-label';
import type { WaybillInput } from '../../printers/documents/waybill';
import iconv from 'iconv-lite';

export const ORANGE: SkuLabelInput = {
  skuCode: 'GNQC-ORANGE-5KG',
  name: '赣南脐橙 5斤装 特级果',
  spec: '5斤/箱 果径75-80mm',
  barcode: '6901234567892', // valid EAN-13
  ownerName: '信丰县脐橙种植专业合作社',
  unit: '箱',
};
export const ORANGE_NO_BARCODE: SkuLabelInput = { ...ORANGE, barcode: null };

/** A waybill-like label: what the carrier e-waybill renderer will produce later (100x150 mm). */
export function waybillLike(): Label {
  return {
    widthMm: 100,
    heightMm: 150,
    elements: [
      { kind: 'box', xMm: 1, yMm: 1, widthMm: 98, heightMm: 148, thicknessMm: 0.4 },
      { kind: 'text', xMm: 4, yMm: 4, text: '571-K12 08', sizeMm: 12, bold: true, maxWidthMm: 92, overflow: 'shrink', align: 'center' },
      { kind: 'line', xMm: 1, yMm: 21, lengthMm: 98, direction: 'horizontal', thicknessMm: 0.4 },
      // 145 modules x 0.375 mm = 54.4 mm. Left rather than centred: zpl-renderer-js draws this
      // one 211 modules wide (see zpl.test.ts) and would otherwise run off the label.
      { kind: 'barcode', symbology: 'code128', xMm: 12.5, yMm: 26, data: 'SF1234567890123', heightMm: 16, moduleMm: 0.375 },
      { kind: 'text', xMm: 4, yMm: 52, text: '收 张*三 138****5678', sizeMm: 4.5, bold: true, maxWidthMm: 60 },
      { kind: 'text', xMm: 4, yMm: 58.5, text: '江西省赣州市信丰县嘉定镇 正平路88号 电商产业园3栋', sizeMm: 3.6, maxWidthMm: 60, maxLines: 3 },
      { kind: 'barcode', symbology: 'qr', xMm: 70, yMm: 52, data: 'https://wms.example/w/SF1234567890123', moduleMm: 0.75, ecLevel: 'M' },
      { kind: 'line', xMm: 66, yMm: 50, lengthMm: 30, direction: 'vertical', thicknessMm: 0.3 },
    ],
  };
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `wms-printers-${prefix}-`));
}

/** Symbols zbarimg finds in an image, as "TYPE:data" (UPC-A reported as UPC-A, not as EAN-13). */
export function zbar(file: string): string[] {
  let out = '';
  try {
    out = execFileSync('zbarimg', ['-q', '-Supca.enable', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    // zbarimg exits 4 when it finds nothing
    out = (e as { stdout?: string }).stdout ?? '';
  }
  return out.split('\n').filter(Boolean).sort();
}

/** Rasterise every page of a PDF at a printer's resolution; returns the PNG paths in page order. */
export function pdfToPngs(pdf: Buffer, dpi = 203): string[] {
  const dir = tmpDir('pdf');
  fs.writeFileSync(path.join(dir, 'in.pdf'), pdf);
  execFileSync('pdftoppm', ['-r', String(dpi), '-png', path.join(dir, 'in.pdf'), path.join(dir, 'page')]);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.png')).sort().map((f) => path.join(dir, f));
}

export function pdfText(pdf: Buffer): string {
  const dir = tmpDir('txt');
  fs.writeFileSync(path.join(dir, 'in.pdf'), pdf);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', path.join(dir, 'in.pdf'), '-'], { encoding: 'utf8' });
}

type ZplApi = { zplToBase64Async(zpl: string, widthMm?: number, heightMm?: number, dpmm?: number): Promise<string> };
let zplApi: Promise<ZplApi> | undefined;

/** Render ZPL to a PNG file with zpl-renderer-js (the Zebrash renderer compiled to WASM). */
export async function zplToPng(zpl: Buffer, label: Label, dpi: 203 | 300 = 203): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  zplApi ??= (require('zpl-renderer-js') as { ready: Promise<{ api: ZplApi }> }).ready.then((r) => r.api);
  const api = await zplApi;
  const png = await api.zplToBase64Async(zpl.toString('utf8'), label.widthMm, label.heightMm, dpi === 203 ? 8 : 12);
  const file = path.join(tmpDir('zpl'), 'label.png');
  fs.writeFileSync(file, Buffer.from(png, 'base64'));
  return file;
}

/** A fake network printer: a TCP listener on 127.0.0.1 that keeps what each connection sent. */
export async function fakePrinter(): Promise<{ port: number; jobs: Buffer[]; close(): Promise<void>; received(n: number): Promise<void> }> {
  const jobs: Buffer[] = [];
  let waiters: Array<() => boolean> = [];
  const server = net.createServer((socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => {
      jobs.push(Buffer.concat(chunks));
      socket.end();
      waiters = waiters.filter((satisfied) => !satisfied());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    jobs,
    close: () => new Promise((resolve) => server.close(() => resolve())),
    received: (n) =>
      new Promise((resolve) => {
        const satisfied = () => jobs.length >= n && (resolve(), true);
        if (!satisfied()) waiters.push(satisfied);
      }),
  };
}

/**
 * Grey levels (0-255) of a non-interlaced 8-bit PNG (what zpl-renderer-js writes): enough of a
 * decoder to measure bars, without another dependency.
 */
export function readPng(file: string): { width: number; height: number; grey(x: number, y: number): number } {
  const buf = fs.readFileSync(file);
  let pos = 8;
  let width = 0, height = 0, colorType = 0, bitDepth = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const body = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      bitDepth = body[8];
      colorType = body[9];
    } else if (type === 'IDAT') idat.push(body);
    pos += 12 + len;
  }
  if (bitDepth !== 8) throw new Error(`readPng: bit depth ${bitDepth} not supported`);
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  if (!channels) throw new Error(`readPng: colour type ${colorType} not supported`);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const px = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i];
      const a = i >= channels ? px[y * stride + i - channels] : 0;
      const b = y > 0 ? px[(y - 1) * stride + i] : 0;
      const c = i >= channels && y > 0 ? px[(y - 1) * stride + i - channels] : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      px[y * stride + i] = (x + [0, a, b, (a + b) >> 1, paeth][filter]) & 0xff;
    }
  }
  // transparent pixels (alpha 0) count as white paper
  const grey = (x: number, y: number) => (channels === 4 && px[y * stride + x * 4 + 3] === 0 ? 255 : px[y * stride + x * channels]);
  return { width, height, grey };
}

// --- carrier e-waybills ------------------------------------------------------------------------

/** A parcel's waybill as the packing station would print it; the receiver and sender in clear (the document masks them). */
export function waybillInput(overrides: Partial<WaybillInput> = {}): WaybillInput {
  return {
    carrierName: '中通快递',
    carrierCode: 'ZTO',
    waybillNo: '78912345678901',
    routingCode: '571-K12 08',
    sortCenter: '杭州转运中心',
    sender: { name: '刘建国', phone: '0797-3321234', address: '江西省赣州市信丰县嘉定镇正平路88号 电商产业园3栋' },
    receiver: { name: '张三丰', phone: '15937264810', province: '浙江省', city: '杭州市', district: '西湖区', address: '西溪街道文三路90号东部软件园A座3单元1201室' },
    pieces: 1,
    weightG: 2530,
    items: [
      { name: '赣南脐橙 5斤装 特级果', qty: 2 },
      { name: '信丰萝卜干 500g', qty: 1 },
    ],
    qrData: 'https://wms.example/w/78912345678901?c=ZTO&r=571-K12%2008',
    orderNo: 'TB3921837465012',
    temperature: 'ambient',
    printedAt: new Date('2026-12-05T10:30:00Z'),
    ...overrides,
  };
}

export interface TsplCommand {
  name: string;
  args: string[];
}

/** Split a TSPL job (GB18030, CRLF) into commands and arguments; quoted strings unescaped (\["] → "). Throws on anything that is not a command. */
export function parseTspl(bytes: Buffer): TsplCommand[] {
  const text = iconv.decode(bytes, 'gb18030');
  if (!text.endsWith('\r\n')) throw new Error('TSPL job does not end with CRLF');
  return text
    .slice(0, -2)
    .split('\r\n')
    .map((line) => {
      const m = /^([A-Z]+)(?: (.*))?$/.exec(line);
      if (!m) throw new Error(`not a TSPL command: ${line}`);
      const args: string[] = [];
      const re = /"((?:\\\["\]|[^"])*)"|([^,]+)/g;
      for (let a; (a = re.exec(m[2] ?? '')); ) args.push(a[1] !== undefined ? a[1].replace(/\\\["\]/g, '"') : a[2]);
      return { name: m[1], args };
    });
}

export interface EscposCommand {
  cmd: string;
  args: number[];
  data?: Buffer;
}

/** Walk an ESC/POS stream command by command (an unknown command throws); text between commands is decoded as GB18030. */
export function parseEscpos(bytes: Buffer): { commands: EscposCommand[]; text: string[] } {
  const commands: EscposCommand[] = [];
  const text: string[] = [];
  let run: number[] = [];
  const flush = () => {
    if (run.length) text.push(iconv.decode(Buffer.from(run), 'gb18030'));
    run = [];
  };
  // fixed-length commands: prefix → number of argument bytes
  const fixed: Record<string, number> = { '1b40': 0, '1c26': 0, '1c2e': 0, '1b4a': 1, '1b33': 1, '1b24': 2, '1b45': 1, '1b61': 1, '1d21': 1, '1d4c': 2, '1d48': 1, '1d66': 1, '1d68': 1, '1d77': 1, '1d56': 2 };
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b === 0x1b || b === 0x1c || b === 0x1d) {
      flush();
      const key = bytes.subarray(i, i + 2).toString('hex');
      if (key in fixed) {
        commands.push({ cmd: key, args: [...bytes.subarray(i + 2, i + 2 + fixed[key])] });
        i += 2 + fixed[key];
      } else if (key === '1d6b') {
        const [m, n] = [bytes[i + 2], bytes[i + 3]];
        commands.push({ cmd: key, args: [m], data: bytes.subarray(i + 4, i + 4 + n) });
        i += 4 + n;
      } else if (key === '1d28' && bytes[i + 2] === 0x6b) {
        const len = bytes[i + 3] + 256 * bytes[i + 4];
        commands.push({ cmd: '1d286b', args: [...bytes.subarray(i + 5, i + 7)], data: bytes.subarray(i + 5, i + 5 + len) });
        i += 5 + len;
      } else if (key === '1d76' && bytes[i + 2] === 0x30) {
        const w = bytes[i + 4] + 256 * bytes[i + 5];
        const h = bytes[i + 6] + 256 * bytes[i + 7];
        commands.push({ cmd: '1d7630', args: [w, h] });
        i += 8 + w * h;
      } else throw new Error(`unknown ESC/POS command ${key} at ${i}`);
    } else if (b === 0x0a) {
      flush();
      commands.push({ cmd: 'LF', args: [] });
      i++;
    } else {
      run.push(b);
      i++;
    }
  }
  flush();
  return { commands, text };
}
