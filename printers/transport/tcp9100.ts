/**
 * Raw TCP printing ("port 9100", JetDirect/AppSocket): connect, write the job, half-close, wait
 * for the printer to close. Every network label printer (ZPL, TSPL, ESC/POS) accepts it; the
 * print-job system builds retries and queuing on top of this single attempt.
 */
import net from 'node:net';

export interface SendRawOptions {
  /**
   * Longest time without progress (connecting, writing, or waiting for the printer to close
   * after the job was sent), in ms; default 10,000.
   */
  timeoutMs?: number;
}

export interface SendRawResult {
  bytes: number;
  /**
   * False when the printer took all the data but kept the connection open past the timeout
   * (some printers only close on their own idle timer); the job was delivered to the socket.
   */
  closedByPrinter: boolean;
}

export class PrinterConnectionError extends Error {
  constructor(
    message: string,
    /** ECONNREFUSED, EHOSTUNREACH, ETIMEDOUT, … */
    readonly code: string,
  ) {
    super(message);
    this.name = 'PrinterConnectionError';
  }
}

const HINTS: Record<string, string> = {
  ECONNREFUSED: 'refused the connection: is the printer on and its raw port enabled?',
  EHOSTUNREACH: 'is unreachable: check the address and the network',
  ENETUNREACH: 'is unreachable: check the address and the network',
  ECONNRESET: 'reset the connection while the job was being sent',
  ENOTFOUND: 'is not a known host name',
  EPIPE: 'closed the connection while the job was being sent',
};

export function sendRaw(host: string, port: number, data: Buffer | Uint8Array, opts: SendRawOptions = {}): Promise<SendRawResult> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const where = `printer ${host}:${port}`;
  return new Promise((resolve, reject) => {
    let finished = false; // all data handed to the OS and FIN sent
    let settled = false;
    const socket = net.createConnection({ host, port });
    const settle = (err: Error | null, closedByPrinter = true) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (err) reject(err);
      else resolve({ bytes: data.length, closedByPrinter });
    };
    socket.setNoDelay(true);
    socket.setTimeout(timeoutMs);
    socket.on('connect', () => {
      socket.end(data, () => {
        finished = true;
      });
    });
    // Printers may answer (status bytes); nothing is expected, but the data must be read so the
    // socket can close.
    socket.on('data', () => {});
    socket.on('timeout', () => {
      if (finished) settle(null, false);
      else {
        const stage = socket.connecting ? 'connecting to' : 'sending to';
        settle(new PrinterConnectionError(`${where}: timed out after ${timeoutMs} ms ${stage} the printer`, 'ETIMEDOUT'));
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? 'EIO';
      settle(new PrinterConnectionError(`${where} ${HINTS[code] ?? `failed: ${e.message}`} (${code})`, code));
    });
    socket.on('close', (hadError) => {
      if (hadError) return; // 'error' already settled it
      if (finished) settle(null, true);
      else settle(new PrinterConnectionError(`${where} closed the connection before the whole job was sent`, 'ECONNRESET'));
    });
  });
}
