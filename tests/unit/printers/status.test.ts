/** Printer status queries: the query bytes on the wire and the answers of each language parsed. */
import net from 'node:net';
import { parseStatus, queryStatus, STATUS_QUERY, type StatusFormat } from '../../../printers/transport/status';

const ZPL_OK = '\x02030,0,0,0320,000,0,0,0,000,0,0,0\x03\r\n\x02001,0,0,0,0,2,6,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n';

test.each([
  ['tspl', Buffer.from([0x00]), { ready: true, problems: [], printing: false }],
  ['tspl', Buffer.from([0x20]), { ready: true, problems: [], printing: true }],
  ['tspl', Buffer.from([0x05]), { ready: false, problems: ['head-open', 'paper-out'], printing: false }],
  ['escpos', Buffer.from([0x12, 0x12, 0x12]), { ready: true, problems: [], printing: false }],
  ['escpos', Buffer.from([0x12, 0x12, 0x1e]), { ready: true, problems: ['paper-near-end'], printing: false }],
  ['escpos', Buffer.from([0x1a, 0x36, 0x72]), { ready: false, problems: ['cover-open', 'paper-out'], printing: false }],
  ['escpos', Buffer.from([0x1a, 0x1a, 0x12]), { ready: false, problems: ['offline'], printing: false }],
  ['zpl', Buffer.from(ZPL_OK, 'latin1'), { ready: true, problems: [], printing: false }],
  ['zpl', Buffer.from(ZPL_OK.replace('030,0,0', '030,1,1').replace('001,0,0,0,0', '001,0,1,1,0'), 'latin1'), { ready: false, problems: ['paper-out', 'paused', 'head-open'], printing: false }],
] as Array<[StatusFormat, Buffer, object]>)('%s answer %o', (format, answer, expected) => {
  expect(parseStatus(format, answer)).toEqual(expected);
});

test('queryStatus sends the query and reads the answer from a printer on the raw port', async () => {
  const received: Buffer[] = [];
  const server = net.createServer((s) =>
    s.on('data', (q) => {
      received.push(q);
      // answer DLE EOT 1, 2, 4 like a receipt printer with its cover open
      s.write(Buffer.from([0x16, 0x16, 0x12]));
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as net.AddressInfo).port;
    const st = await queryStatus('127.0.0.1', port, 'escpos', { timeoutMs: 2000 });
    expect(Buffer.concat(received).equals(STATUS_QUERY.escpos)).toBe(true);
    expect(st).toEqual({ ready: false, problems: ['cover-open'], printing: false });
    // a Zebra that stays silent (head open) → a timeout that says why that may be
    const silent = await queryStatus('127.0.0.1', port, 'zpl', { timeoutMs: 200 }).catch((e: Error) => e);
    expect(String(silent)).toMatch(/no status answer within 200 ms.*head open/);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});
