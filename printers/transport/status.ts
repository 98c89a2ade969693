/**
 * Printer status over the raw port, so the print-job system can say "out of paper" instead of
 * "sent" when nothing will come out. Each language has its own query and answer:
 *
 * - ZPL  ~HS: three <STX>…<ETX><CR><LF> strings of comma-separated fields; string 1 has the
 *   paper-out (2nd), pause (3rd) and buffer-full (6th) flags, string 2 head-up (3rd), ribbon-out
 *   (4th) and thermal-transfer (5th). Zebra printers do not answer while out of media, out of
 *   ribbon or with the head open, so no answer is itself a sign.
 * - TSPL <ESC>!?: one byte; bit 0 head open, 1 paper jam, 2 out of paper, 3 out of ribbon,
 *   4 paused, 5 printing, 6 cover open, 7 temperature out of range; 0 = ready.
 * - ESC/POS DLE EOT n (real-time, answered even when busy): n=1 bit 3 offline; n=2 bit 2 cover
 *   open, bit 5 stopped at paper end, bit 6 error; n=4 bits 2-3 paper near end, bits 5-6 paper end.
 */
import net from 'node:net';
import { PrinterConnectionError } from './tcp9100';

export type StatusFormat = 'zpl' | 'tspl' | 'escpos';

export type StatusProblem =
  | 'paper-out'
  | 'paper-near-end'
  | 'paper-jam'
  | 'head-open'
  | 'cover-open'
  | 'ribbon-out'
  | 'paused'
  | 'offline'
  | 'buffer-full'
  | 'temperature'
  | 'error';

export interface PrinterStatus {
  /** Nothing prevents printing (a warning such as paper-near-end or printing-in-progress may remain). */
  ready: boolean;
  problems: StatusProblem[];
  /** Currently printing (TSPL reports it): busy, not a fault. */
  printing: boolean;
}

const DLE = 0x10, EOT = 0x04;

export const STATUS_QUERY: Record<StatusFormat, Buffer> = {
  zpl: Buffer.from('~HS', 'ascii'),
  tspl: Buffer.from([0x1b, 0x21, 0x3f]), // <ESC>!?
  escpos: Buffer.from([DLE, EOT, 1, DLE, EOT, 2, DLE, EOT, 4]),
};

/** True once `bytes` hold a whole answer to STATUS_QUERY[format]. */
export function statusComplete(format: StatusFormat, bytes: Buffer): boolean {
  if (format === 'tspl') return bytes.length >= 1;
  if (format === 'escpos') return bytes.length >= 3;
  return bytes.toString('latin1').split('\x03').length > 3; // three <ETX>
}

const WARNINGS: ReadonlySet<StatusProblem> = new Set(['paper-near-end']);

function status(problems: StatusProblem[], printing = false): PrinterStatus {
  return { ready: problems.every((p) => WARNINGS.has(p)), problems, printing };
}

export function parseStatus(format: StatusFormat, bytes: Buffer): PrinterStatus {
  if (!statusComplete(format, bytes)) throw new Error(`incomplete ${format} status answer (${bytes.length} bytes)`);
  const problems: StatusProblem[] = [];
  const flag = (on: boolean | number, p: StatusProblem) => on && !problems.includes(p) && problems.push(p);
  if (format === 'tspl') {
    const b = bytes[0];
    flag(b & 0x01, 'head-open');
    flag(b & 0x02, 'paper-jam');
    flag(b & 0x04, 'paper-out');
    flag(b & 0x08, 'ribbon-out');
    flag(b & 0x10, 'paused');
    flag(b & 0x40, 'cover-open');
    flag(b & 0x80, 'temperature');
    return status(problems, (b & 0x20) !== 0);
  }
  if (format === 'escpos') {
    const [printer, offline, paper] = bytes;
    flag(offline & 0x04, 'cover-open');
    flag(offline & 0x20, 'paper-out');
    flag(offline & 0x40, 'error');
    flag((paper & 0x60) === 0x60, 'paper-out');
    flag((paper & 0x0c) === 0x0c, 'paper-near-end');
    // offline with none of the causes above (e.g. paper being fed by the FEED button)
    if (printer & 0x08 && !problems.some((p) => !WARNINGS.has(p))) problems.push('offline');
    return status(problems);
  }
  const strings = bytes
    .toString('latin1')
    .split('\x03')
    .slice(0, 3)
    .map((s) => s.replace(/^[\s\x02]+/, '').split(','));
  const [s1, s2] = strings;
  flag(s1[1] === '1', 'paper-out');
  flag(s1[2] === '1', 'paused');
  flag(s1[5] === '1', 'buffer-full');
  flag(s1[10] === '1' || s1[11] === '1', 'temperature');
  flag(s2[2] === '1', 'head-open');
  flag(s2[3] === '1' && s2[4] === '1', 'ribbon-out'); // only matters in thermal-transfer mode
  return status(problems);
}

/** Ask a network printer for its status (query on the raw port, read the answer). */
export function queryStatus(host: string, port: number, format: StatusFormat, opts: { timeoutMs?: number } = {}): Promise<PrinterStatus> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.createConnection({ host, port });
    let settled = false;
    const settle = (err: Error | null, value?: PrinterStatus) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value!);
    };
    const timer = setTimeout(() => {
      const hint = format === 'zpl' ? ' (Zebra printers do not answer ~HS while out of media or ribbon, or with the head open)' : '';
      settle(new PrinterConnectionError(`printer ${host}:${port}: no status answer within ${timeoutMs} ms${hint}`, 'ETIMEDOUT'));
    }, timeoutMs);
    socket.on('connect', () => socket.write(STATUS_QUERY[format]));
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      const all = Buffer.concat(chunks);
      if (statusComplete(format, all)) {
        try {
          settle(null, parseStatus(format, all));
        } catch (e) {
          settle(e as Error);
        }
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) => settle(new PrinterConnectionError(`printer ${host}:${port}: ${e.message}`, e.code ?? 'EIO')));
    socket.on('close', () => settle(new PrinterConnectionError(`printer ${host}:${port} closed the connection without a status answer`, 'ECONNRESET')));
  });
}
