import crypto from 'node:crypto';
import type { Principal } from '../auth/principal';

export const ORDER_STATUSES = ['pending', 'held', 'backorder', 'allocated', 'in_wave', 'picked', 'packed', 'shipped', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Why an order is held; each names the fix a supervisor or seller makes. */
export const HOLD_REASONS = ['invalid_line', 'unmapped_listing', 'address', 'phone', 'manual', 'short_pick'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/** Statuses whose lines and receiver may still change (nothing reserved or picked yet). */
export const EDITABLE: readonly OrderStatus[] = ['pending', 'held', 'backorder'];
/** A cancellation before packing cancels; after packing it flags the parcel for interception. */
export const CANCELLABLE: readonly OrderStatus[] = ['pending', 'held', 'backorder', 'allocated', 'in_wave', 'picked'];

/** An order as any channel delivers it, before mapping and address checks. */
export interface IncomingLine {
  externalLineId: string | null;
  /** the listing's SKU code (or, from the order API and the spreadsheet, the warehouse SKU code) */
  listingCode: string | null;
  variantId: string | null;
  title: string | null;
  qty: number;
  priceFen: number | null;
}

export interface IncomingReceiver {
  name: string;
  phone: string;
  province: string | null;
  city: string | null;
  district: string | null;
  address: string;
}

export interface IncomingOrder {
  externalId: string;
  paid: boolean;
  cancelled: boolean;
  platformStatus: string | null;
  /** the platform's last change; an update older than the stored one is ignored */
  updatedAt: Date | null;
  placedAt: Date | null;
  receiver: IncomingReceiver;
  lines: IncomingLine[];
  totalFen: number | null;
  currency: string | null;
  buyerNote: string | null;
  coldChain: boolean;
}

/** Where orders come from: a store connection, or the owner directly (order API, spreadsheet). */
export interface OrderSource {
  ownerId: number;
  storeId: number | null;
  channel: string;
  /** recorded in each order's history: 'store:12 (shopify)', 'user:alice', 'api-key:erp' */
  actor: string;
}

export function sourceKey(storeId: number | null): string {
  return storeId ? `store:${storeId}` : 'direct';
}

export function actorOf(p: Principal): string {
  return `${p.kind === 'apiKey' ? 'api-key' : 'user'}:${p.name}`;
}

/**
 * A digest of what the order says (not when it said it): the same content delivered again is
 * recognised as unchanged, and on the order API a different body under the same id is a conflict.
 */
export function contentHash(o: IncomingOrder): string {
  const canonical = JSON.stringify([
    o.paid,
    o.cancelled,
    o.coldChain,
    o.receiver.name,
    o.receiver.phone,
    o.receiver.province,
    o.receiver.city,
    o.receiver.district,
    o.receiver.address,
    o.lines.map((l) => [l.externalLineId, l.listingCode, l.variantId, l.qty, l.priceFen]),
    o.totalFen,
    o.buyerNote,
  ]);
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

/** Column purposes for sealed personal data (the associated data of AES-GCM). */
export const PII = {
  name: 'orders.receiver_name',
  phone: 'orders.receiver_phone',
  address: 'orders.receiver_address',
} as const;
