/**
 * TSPL and ESC/POS: the bytes go through sendRaw to a TCP listener standing in for a printer on
 * port 9100, and what arrived is parsed command by command (an unknown or malformed command
 * fails the parse) and checked: sizes, barcode data, GB18030 Chinese text.
 */
import iconv from 'iconv-lite';
import net from 'node:net';
import { gtinCheckDigit } from '../../../printers/barcode-check';
import { skuLabel } from '../../../printers/labels/sku-label';
import { renderLabels } from '../../../printers/render';
import { renderEscpos } from '../../../printers/render/escpos';
import { renderTspl } from '../../../printers/render/tspl';
import { PrinterConnectionError, sendRaw } from '../../../printers/transport/tcp9100';
import { fakePrinter, ORANGE, ORANGE_NO_BARCODE, parseEscpos, parseTspl, waybillLike } from '../../helpers/printing';

test('TSPL over TCP: two labels, sizes, Chinese text in GB18030, EAN-13 and Code 128, copies', async () => {
  const printer = await fakePrinter();
  try {
    const r = await renderLabels([skuLabel(ORANGE, '60x40'), skuLabel(ORANGE_NO_BARCODE, '100x50')], 'tspl', { dpi: 203, copies: 2 });
    expect(r.contentType).toBe('application/x-tspl');
    const sent = await sendRaw('127.0.0.1', printer.port, r.data, { timeoutMs: 5000 });
    expect(sent).toEqual({ bytes: r.data.length, closedByPrinter: true });
    await printer.received(1);
    const arrived = printer.jobs[0];
    expect(arrived.equals(r.data)).toBe(true);
    // The name is on the wire as GB18030 bytes (not UTF-8).
    expect(arrived.includes(iconv.encode('赣南脐橙 5斤装 特级果', 'gb18030'))).toBe(true);
    expect(arrived.includes(Buffer.from('赣南', 'utf8'))).toBe(false);

    const commands = parseTspl(arrived);
    const jobs = [commands.slice(0, commands.findIndex((c) => c.name === 'PRINT') + 1)];
    jobs.push(commands.slice(jobs[0].length));
    const [first, second] = jobs;
    expect(first.slice(0, 5)).toEqual([
      { name: 'SIZE', args: ['60 mm', '40 mm'] },
      { name: 'GAP', args: ['2 mm', '0 mm'] },
      { name: 'DIRECTION', args: ['1'] },
      { name: 'REFERENCE', args: ['0', '0'] },
      { name: 'CLS', args: [] },
    ]);
    expect(second[0]).toEqual({ name: 'SIZE', args: ['100 mm', '50 mm'] });
    for (const job of jobs) expect(job[job.length - 1]).toEqual({ name: 'PRINT', args: ['2'] });

    const texts = first.filter((c) => c.name === 'TEXT');
    const name = texts.find((t) => t.args[6] === '赣南脐橙 5斤装 特级果')!;
    expect(name.args.slice(2, 6)).toEqual(['TSS24.BF2', '0', '1', '1']);
    expect(texts.map((t) => t.args[6])).toEqual(expect.arrayContaining(['5斤/箱 果径75-80mm', 'GNQC-ORANGE-5KG', '单位：箱', '货主：信丰县脐橙种植专业合作社']));
    expect(texts.find((t) => t.args[6] === 'GNQC-ORANGE-5KG')!.args[2]).toBe('3'); // ASCII in a built-in Latin font

    const ean = first.find((c) => c.name === 'BARCODE')!;
    expect(ean.args.slice(2, 8)).toEqual(['EAN13', '78', '1', '0', '2', '2']);
    expect(ean.args[8] + gtinCheckDigit(ean.args[8])).toBe('6901234567892');
    const code128 = second.find((c) => c.name === 'BARCODE')!;
    expect([code128.args[2], code128.args[8]]).toEqual(['128', 'GNQC-ORANGE-5KG']);
    expect(Number(code128.args[6])).toBe(3); // 0.33 mm at 203 dpi
  } finally {
    await printer.close();
  }
});

test('TSPL: QR (UTF-8 payload), rules, box; quotes escaped; emoji replaced and reported', () => {
  const warnings: NonNullable<Parameters<typeof renderTspl>[1]['warnings']> = [];
  const label = waybillLike();
  label.elements.push({ kind: 'text', xMm: 4, yMm: 80, text: '备注："易碎"🍊', sizeMm: 4 });
  const bytes = renderTspl(label, { dpi: 300, warnings });
  const qrAt = bytes.indexOf('QRCODE ');
  expect(bytes.subarray(qrAt).toString('utf8')).toMatch(/^QRCODE \d+,\d+,M,9,A,0,M2,S7,"https:\/\/wms\.example\/w\/SF1234567890123"\r\n/);
  const commands = parseTspl(bytes);
  expect(commands[0]).toEqual({ name: 'SIZE', args: ['100 mm', '150 mm'] });
  expect(commands.filter((c) => c.name === 'BAR')).toHaveLength(2);
  expect(commands.find((c) => c.name === 'BOX')!.args).toEqual(['12', '12', '1169', '1760', '5']);
  expect(commands.find((c) => c.name === 'TEXT' && c.args[6].startsWith('备注'))!.args[6]).toBe('备注："易碎"?');
  expect(warnings).toEqual([expect.objectContaining({ elementIndex: 8, code: 'unsupported-char', chars: ['🍊'] })]);
});

test('ESC/POS over TCP: init, Chinese mode, GB18030 text, GS k EAN-13 and Code 128, cut', async () => {
  const printer = await fakePrinter();
  try {
    const jobs = [renderEscpos(skuLabel(ORANGE, '60x40'), { dpi: 203 }), renderEscpos(skuLabel(ORANGE_NO_BARCODE, '100x50'), { dpi: 203, widthDots: 576 })];
    for (const job of jobs) await sendRaw('127.0.0.1', printer.port, job, { timeoutMs: 5000 });
    await printer.received(2);
    const [first, second] = printer.jobs.map(parseEscpos);
    expect(first.commands.slice(0, 2).map((c) => c.cmd)).toEqual(['1b40', '1c26']); // ESC @, FS &
    expect(first.text).toEqual(['赣南脐橙 5斤装 特级果', '5斤/箱 果径75-80mm', 'GNQC-ORANGE-5KG', '单位：箱', '货主：信丰县脐橙种植专业合作社']);
    const ean = first.commands.find((c) => c.cmd === '1d6b')!;
    expect(ean.args).toEqual([67]); // JAN13/EAN13
    expect(ean.data!.toString() + gtinCheckDigit(ean.data!.toString())).toBe('6901234567892');
    expect(first.commands.find((c) => c.cmd === '1d68')!.args).toEqual([78]); // GS h: 9.8 mm
    expect(first.commands.find((c) => c.cmd === '1d77')!.args).toEqual([2]); // GS w: 2-dot modules
    expect(first.commands.find((c) => c.cmd === '1d48')!.args).toEqual([2]); // HRI below
    expect(first.commands[first.commands.length - 1]).toEqual({ cmd: '1d56', args: [66, 0] }); // GS V: cut
    const code128 = second.commands.find((c) => c.cmd === '1d6b')!;
    expect(code128.args).toEqual([73]);
    expect(code128.data!.toString('latin1')).toBe('{BGNQC-ORANGE-5KG');
    // rows go down the label: every feed is forward, the total is the label's height
    const fed = second.commands.filter((c) => c.cmd === '1b4a').reduce((s, c) => s + c.args[0], 0);
    expect(fed).toBeGreaterThan(0);
  } finally {
    await printer.close();
  }
});

test('ESC/POS: Code 128 digits in subset C are sent as one byte per pair; QR via GS ( k', () => {
  const { commands } = parseEscpos(renderEscpos(waybillLike(), { dpi: 203 }));
  const code128 = commands.find((c) => c.cmd === '1d6b')!;
  expect([...code128.data!]).toEqual([0x7b, 0x42, ...Buffer.from('SF1'), 0x7b, 0x43, 23, 45, 67, 89, 1, 23]);
  const qr = commands.filter((c) => c.cmd === '1d286b').map((c) => c.data!);
  expect(qr.map((d) => [...d.subarray(0, 2)])).toEqual([[49, 65], [49, 67], [49, 69], [49, 80], [49, 81]]); // model, size, EC, store, print
  expect(qr[1][2]).toBe(6); // 0.75 mm modules = 6 dots
  expect(qr[3].subarray(3).toString('utf8')).toBe('https://wms.example/w/SF1234567890123');
  expect(commands.filter((c) => c.cmd === '1d7630').length).toBeGreaterThanOrEqual(3); // rules and box edges as raster
});

describe('sendRaw errors', () => {
  test('a closed port is reported as refused', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const err = await sendRaw('127.0.0.1', port, Buffer.from('^XA^XZ'), { timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrinterConnectionError);
    expect(err).toMatchObject({ code: 'ECONNREFUSED', message: expect.stringMatching(/127\.0\.0\.1:\d+ refused the connection/) });
  });

  test('a printer that stops reading times out with a clear error', async () => {
    const sockets: net.Socket[] = [];
    const stuck = net.createServer({ pauseOnConnect: true }, (s) => sockets.push(s)); // never reads
    await new Promise<void>((r) => stuck.listen(0, '127.0.0.1', r));
    try {
      const port = (stuck.address() as net.AddressInfo).port;
      const err = await sendRaw('127.0.0.1', port, Buffer.alloc(64 * 1024 * 1024), { timeoutMs: 300 }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ETIMEDOUT', message: expect.stringMatching(/timed out after 300 ms sending/) });
    } finally {
      sockets.forEach((s) => s.destroy()); // a paused socket would keep close() waiting
      await new Promise<void>((r) => stuck.close(() => r()));
    }
  });

  test('a printer that takes the job but never closes: delivered, closedByPrinter false', async () => {
    const sockets: net.Socket[] = [];
    const lazy = net.createServer({ allowHalfOpen: true }, (s) => {
      sockets.push(s);
      s.resume();
    });
    await new Promise<void>((r) => lazy.listen(0, '127.0.0.1', r));
    try {
      const port = (lazy.address() as net.AddressInfo).port;
      expect(await sendRaw('127.0.0.1', port, Buffer.from('SIZE 60 mm,40 mm\r\n'), { timeoutMs: 200 })).toEqual({ bytes: 18, closedByPrinter: false });
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((r) => lazy.close(() => r()));
    }
  });
});
