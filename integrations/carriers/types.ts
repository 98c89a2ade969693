import type { z } from 'zod';

/**
 * One interface for every carrier: get a waybill number with its routing data, cancel it, query
 * tracking. Adapters are plain functions over HTTP: they never touch the database, and the
 * server never holds a transaction open while one of them runs.
 */

export interface CarrierAddress {
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  /** street and number (the detail line), without province/city/district */
  address: string;
  company?: string | null;
  postcode?: string | null;
}

export type Temperature = 'ambient' | 'chilled' | 'frozen';

export interface WaybillRequest {
  /**
   * Our reference for this parcel's waybill request, stable across retries of the same request:
   * carriers that de-duplicate by order id answer a retry with the waybill they already issued.
   */
  reference: string;
  sender: CarrierAddress;
  receiver: CarrierAddress;
  /** gross weight in grams, > 0 */
  weightG: number;
  pieces: number;
  temperature: Temperature;
  items: Array<{ name: string; qty: number }>;
  /** declared value in fen */
  valueFen?: number | null;
  remark?: string | null;
}

export interface Waybill {
  waybillNo: string;
  /** 三段码 / sort code printed large on the label; null when the carrier gives none */
  routingCode: string | null;
  /** destination sort centre, bag or hub code when the carrier returns one */
  sortCenter?: string | null;
  /** the carrier's own order id when it differs from our reference */
  carrierOrderId?: string | null;
}

export type TrackingStatus = 'picked_up' | 'in_transit' | 'out_for_delivery' | 'delivered' | 'exception' | 'info';

export interface TrackingEvent {
  /** ISO-8601 with offset */
  at: string;
  status: TrackingStatus;
  description: string;
  location?: string | null;
  /** the carrier's own code for the event (Kuaidi100 statusCode, SF opCode, ZTO scanType), when it sent one */
  code?: string | null;
}

/**
 * `timeout`: no answer in time; `unavailable`: connection failed or 5xx; `rate_limited`;
 * `auth`: credentials refused (a person must fix them); `rejected`: the carrier refused the
 * request on its merits (address out of service area, bad field): retrying the same request will
 * not help; `malformed`: the answer could not be read.
 */
export type CarrierErrorKind = 'timeout' | 'unavailable' | 'rate_limited' | 'auth' | 'rejected' | 'malformed';

export class CarrierError extends Error {
  constructor(
    readonly kind: CarrierErrorKind,
    message: string,
    /** the carrier's own error code, when it sent one */
    readonly carrierCode?: string,
  ) {
    super(message);
    this.name = 'CarrierError';
  }

  /** whether trying the same request again later can succeed */
  get retryable(): boolean {
    return this.kind === 'timeout' || this.kind === 'unavailable' || this.kind === 'rate_limited' || this.kind === 'malformed';
  }
}

export interface CarrierConnection {
  /** where the carrier's API lives; tests point it at a fake on loopback */
  baseUrl: string;
  credentials: Record<string, string>;
  settings: Record<string, unknown>;
  /** per request; default 10 s */
  timeoutMs?: number;
}

/** What the server provides to adapters that need it (never a database handle). */
export interface CarrierServices {
  /** the local carrier: the next number from the range the hub manages (throws when exhausted) */
  nextNumber?: () => Promise<number>;
}

export interface CarrierAdapter {
  /** registry key, stored as carriers.adapter */
  readonly name: string;
  readonly title: string;
  /** where a connection points when the hub gives no baseUrl; null when there is none (local) */
  readonly defaultBaseUrl: string | null;
  readonly credentialsSchema: z.ZodType<Record<string, string>>;
  readonly settingsSchema: z.ZodType<Record<string, unknown>>;
  createWaybill(conn: CarrierConnection, req: WaybillRequest, services?: CarrierServices): Promise<Waybill>;
  /** resolves when the waybill is cancelled, or was already */
  cancelWaybill(conn: CarrierConnection, waybillNo: string, reference: string): Promise<void>;
  track(conn: CarrierConnection, waybillNo: string, opts?: { phone?: string }): Promise<TrackingEvent[]>;
  /**
   * A tracking push the carrier sent to our webhook, verified with the connection's secret and
   * parsed. Absent when the carrier has no push we accept. Throws CarrierPushRefused.
   */
  parsePush?(conn: CarrierConnection, req: CarrierPushRequest): CarrierPush;
  /**
   * The carrier API's hand-over call, where it has one (SF: EXP_RECE_UPDATE_ORDER dealType 1,
   * 确认 with the weighed parcel): tells the carrier the parcels of a closed manifest are handed to
   * it. Each parcel is answered on its own; a refusal of one does not stop the others. Throws a
   * CarrierError only when the carrier cannot be reached or read at all (the call is retried).
   * Absent when the carrier's API has no such call (the signed sheet is the hand-over).
   */
  confirmHandover?(conn: CarrierConnection, parcels: HandoverParcel[]): Promise<HandoverOutcome[]>;
  /**
   * Ask the carrier to push this waybill's tracking to `callbackUrl` (Kuaidi100 订阅: poll.kuaidi100.com/poll,
   * with the salt that signs each push). Resolves when subscribed, or already subscribed. Absent
   * when the carrier has no subscription (it is polled).
   */
  subscribeTracking?(conn: CarrierConnection, waybillNo: string, opts: { callbackUrl: string; phone?: string }): Promise<void>;
}

export interface HandoverParcel {
  waybillNo: string;
  /** our reference the waybill was requested with (WaybillRequest.reference) */
  reference: string;
  weightG: number;
}

export interface HandoverOutcome {
  waybillNo: string;
  /** `confirmed` (also when the carrier had it confirmed already) or `refused`, with the carrier's words */
  outcome: 'confirmed' | 'refused';
  detail?: string | null;
}

export interface CarrierPushRequest {
  /** the exact bytes received */
  rawBody: Buffer;
  contentType: string;
}

export interface CarrierPush {
  /** tracking of each waybill the push names, oldest event first */
  waybills: Array<{ waybillNo: string; events: TrackingEvent[] }>;
  /** what the carrier expects back on success */
  answer: unknown;
}

/**
 * A push refused: `unsigned` (no signature, or no secret configured to check one), `forged` (the
 * signature does not match), `malformed` (the body cannot be read).
 */
export class CarrierPushRefused extends Error {
  constructor(
    readonly kind: 'unsigned' | 'forged' | 'malformed',
    message: string,
  ) {
    super(message);
    this.name = 'CarrierPushRefused';
  }
}
