/**
 * A network label printer on loopback for the print-job tests: it answers the status query of
 * its language (ZPL ~HS, TSPL <ESC>!?, ESC/POS DLE EOT) from a state the test sets, keeps every
 * job it receives, and can be switched off, made to hang (accept and never read or close), or to
 * drop connections in the middle of a job.
 */
import net from 'node:net';
import { STATUS_QUERY, type StatusFormat } from '../../printers/transport/status';

export type FakePrinterState = 'ready' | 'paper-out' | 'head-open';
export type FakePrinterMode = 'normal' | 'hang' | 'drop';

export interface FakeNetworkPrinter {
  port: number;
  jobs: Buffer[];
  state: FakePrinterState;
  mode: FakePrinterMode;
  /** status queries answered */
  queries: number;
  /** resolves once `n` jobs have arrived */
  received(n: number, ms?: number): Promise<void>;
  /** stop listening (connections are refused) until start() */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

function statusAnswer(language: StatusFormat, state: FakePrinterState): Buffer {
  if (language === 'zpl') {
    const paperOut = state === 'paper-out' ? 1 : 0;
    const headUp = state === 'head-open' ? 1 : 0;
    return Buffer.from(`\x02030,${paperOut},0,1245,000,0,0,0,000,0,0,0\x03\r\n\x02000,0,${headUp},0,0,2,4,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n`, 'latin1');
  }
  if (language === 'tspl') return Buffer.from([state === 'paper-out' ? 0x04 : state === 'head-open' ? 0x01 : 0x00]);
  // ESC/POS: printer status, offline cause (bit 2 cover open, bit 5 paper end), paper sensor (bits 5-6 paper end)
  return Buffer.from([0x12, state === 'head-open' ? 0x16 : state === 'paper-out' ? 0x32 : 0x12, state === 'paper-out' ? 0x72 : 0x12]);
}

export async function startFakeNetworkPrinter(language: StatusFormat, port = 0): Promise<FakeNetworkPrinter> {
  const query = STATUS_QUERY[language];
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let waiters: Array<() => boolean> = [];
  const p: FakeNetworkPrinter = {
    port,
    jobs: [],
    state: 'ready',
    mode: 'normal',
    queries: 0,
    received: (n, ms = 20_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`fake printer: ${p.jobs.length} of ${n} jobs after ${ms} ms`)), ms);
        const satisfied = () => p.jobs.length >= n && (clearTimeout(timer), resolve(), true);
        if (!satisfied()) waiters.push(satisfied);
      }),
    start: async () => {
      server = net.createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {});
        if (p.mode === 'hang') {
          socket.pause(); // accepts, never reads, never closes
          return;
        }
        const chunks: Buffer[] = [];
        socket.on('data', (c) => {
          chunks.push(c);
          const all = Buffer.concat(chunks);
          if (all.equals(query)) {
            p.queries++;
            chunks.length = 0;
            socket.write(statusAnswer(language, p.state));
            return;
          }
          if (p.mode === 'drop') socket.resetAndDestroy(); // RST: the sender sees the connection reset
        });
        socket.on('end', () => {
          const all = Buffer.concat(chunks);
          if (all.length && p.mode === 'normal') {
            p.jobs.push(all);
            waiters = waiters.filter((satisfied) => !satisfied());
          }
          socket.end();
        });
      });
      await new Promise<void>((resolve) => server!.listen(p.port, '127.0.0.1', resolve));
      p.port = (server!.address() as net.AddressInfo).port;
    },
    stop: async () => {
      for (const s of sockets) s.destroy();
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = null;
    },
    close: () => p.stop(),
  };
  await p.start();
  return p;
}
