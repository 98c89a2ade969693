/**
 * What every fake carrier offers a test. Each fake is a real HTTP server on loopback that checks
 * credentials and signatures the way its carrier does, answers in the carrier's own format, and
 * can be told to misbehave.
 */
export interface FakeCarrierFaults {
  /** every request answers HTTP 500 */
  error500: boolean;
  /** every request is accepted and never answered (until the fake closes) */
  timeout: boolean;
  /** every request answers HTTP 200 with a body that is not JSON */
  malformed: boolean;
  /** waybill requests are refused with the carrier's own "address not served" answer */
  refuseAddress: boolean;
  /** share (0..1) of requests that answer HTTP 500 at random */
  failRate?: number;
  /** share (0..1) of requests that are never answered, at random */
  timeoutRate?: number;
}

export interface FakeWaybillRecord {
  waybillNo: string;
  routingCode: string;
  cancelled: boolean;
  /** the business payload as the fake received it (param / msgData / body, parsed) */
  request: any;
}

export interface FakeTrackingEvent {
  at: Date;
  /** the carrier's own code: Kuaidi100 state code, SF opCode, ZTO scanType */
  code: string;
  text: string;
}

export interface FakeCarrier {
  baseUrl: string;
  credentials: Record<string, string>;
  settings: Record<string, unknown>;
  /** fault switches, settable by tests at any time */
  faults: FakeCarrierFaults;
  /** accepted waybills by our reference */
  waybills: Map<string, FakeWaybillRecord>;
  /** count of all requests received, faulty or not */
  requests: number;
  /** tracking events for a waybill, served by the tracking call */
  addTracking(waybillNo: string, events: FakeTrackingEvent[]): void;
  close(): Promise<void>;
}

export interface FakeCarrierOptions {
  /** override the credentials the fake accepts (defaults are per carrier) */
  credentials?: Record<string, string>;
  settings?: Record<string, unknown>;
}
