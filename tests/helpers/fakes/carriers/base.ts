/**
 * The plumbing the fake carriers share: a loopback server with the fault switches applied before
 * the carrier's own handler, the request counter, tracking storage, and deterministic routing
 * codes and waybill numbers.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeCarrier, FakeCarrierFaults, FakeTrackingEvent, FakeWaybillRecord } from './types';

export interface FakeRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FakeAnswer {
  status?: number;
  /** an object is sent as JSON */
  body: string | object;
}

export interface FakeState {
  faults: FakeCarrierFaults;
  waybills: Map<string, FakeWaybillRecord>;
  tracking: Map<string, FakeTrackingEvent[]>;
}

/** A gateway error page, as a proxy in front of a carrier sends when things go wrong. */
const MALFORMED_BODY = '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>';

export async function startCarrierServer(
  path: string,
  init: { credentials: Record<string, string>; settings: Record<string, unknown> },
  handle: (req: FakeRequest, state: FakeState) => FakeAnswer,
): Promise<FakeCarrier & FakeState> {
  const state: FakeState & { requests: number } = {
    faults: { error500: false, timeout: false, malformed: false, refuseAddress: false },
    waybills: new Map(),
    tracking: new Map(),
    requests: 0,
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests++;
      const f = state.faults;
      if (f.timeout || (f.timeoutRate && Math.random() < f.timeoutRate)) return; // keep the socket, never answer
      if (f.error500 || (f.failRate && Math.random() < f.failRate)) {
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('Internal Server Error');
        return;
      }
      if (f.malformed) {
        res.writeHead(200, { 'Content-Type': 'text/html' }).end(MALFORMED_BODY);
        return;
      }
      let answer: FakeAnswer;
      try {
        answer = handle({ method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0], headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }, state);
      } catch (err) {
        answer = { status: 500, body: `fake carrier bug: ${(err as Error).stack}` };
      }
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status ?? 200, { 'Content-Type': typeof answer.body === 'string' ? 'text/plain;charset=UTF-8' : 'application/json;charset=UTF-8' }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    baseUrl: `http://127.0.0.1:${port}${path}`,
    credentials: init.credentials,
    settings: init.settings,
    addTracking(waybillNo: string, events: FakeTrackingEvent[]) {
      const list = state.tracking.get(waybillNo) ?? [];
      list.push(...events);
      list.sort((a, b) => a.at.getTime() - b.at.getTime());
      state.tracking.set(waybillNo, list);
    },
    close: () =>
      new Promise<void>((resolve) => {
        // hanging requests (the timeout fault) would keep close() waiting forever
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

export function formParams(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}

export function md5(text: string): Buffer {
  return crypto.createHash('md5').update(text, 'utf8').digest();
}

function hashInt(text: string, at: number): number {
  return md5(text).readUInt32BE(at);
}

/** A 三段码-style routing code ("571-K12 08"), the same for the same province and city. */
export function routingCodeFor(province: string, city: string): string {
  const key = `${province}|${city}`;
  const area = 100 + (hashInt(key, 0) % 900);
  const letter = String.fromCharCode(65 + (hashInt(key, 4) % 26));
  const two = String(hashInt(key, 8) % 100).padStart(2, '0');
  const three = String(hashInt(key, 12) % 100).padStart(2, '0');
  return `${area}-${letter}${two} ${three}`;
}

/** A destination sort-centre code in the same spirit ("571WF"). */
export function sortCenterFor(province: string, city: string): string {
  return routingCodeFor(province, city).slice(0, 3) + 'W' + String.fromCharCode(65 + (hashInt(province + city, 2) % 26));
}

/** Province and city out of a printed address line (广东省深圳市南山区...), for fakes that get one line. */
export function splitPrintAddr(addr: string): { province: string; city: string } {
  const m = /^(.+?(?:省|自治区|特别行政区|北京市|上海市|天津市|重庆市))(.+?(?:市|自治州|地区|盟|区|县))?/.exec(addr);
  return m ? { province: m[1], city: m[2] ?? '' } : { province: addr.slice(0, 3), city: addr.slice(3, 6) };
}

let serial = Math.floor(Math.random() * 1_000_000);
/** Numbers in each carrier's own format, unique within a test run. */
export function waybillNumber(kind: 'sf' | 'zto' | 'yto' | 'other'): string {
  serial++;
  const tail = (width: number) => String(serial % 10 ** width).padStart(width, '0');
  switch (kind) {
    case 'sf':
      return 'SF1' + String(Date.now() % 1_000_000).padStart(6, '0') + tail(6);
    case 'zto':
      return '7' + String(Date.now() % 100_000).padStart(5, '0') + tail(6);
    case 'yto':
      return 'YT' + String(Date.now() % 10_000_000).padStart(7, '0') + tail(6);
    default:
      return '9' + String(Date.now() % 100_000).padStart(5, '0') + tail(6);
  }
}

/** Beijing time as the carriers print it: "2024-03-01 08:05:09". */
export function chinaTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}
