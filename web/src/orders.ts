import type { Lang, TFunction } from './i18n';

/** Orders and store connections as the API sends them (server/orders, server/stores). */

export const ORDER_STATUSES = ['pending', 'held', 'backorder', 'allocated', 'in_wave', 'picked', 'packed', 'shipped', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const HOLD_REASONS = ['invalid_line', 'unmapped_listing', 'address', 'phone', 'manual', 'short_pick'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/** Statuses whose receiver may still be corrected and that may be held or released. */
export const EDITABLE: readonly OrderStatus[] = ['pending', 'held', 'backorder'];
/** Before packing a cancel cancels; once packed it flags the parcel for interception. */
export const CANCELLABLE: readonly OrderStatus[] = ['pending', 'held', 'backorder', 'allocated', 'in_wave', 'picked', 'packed'];

export const STATUS_TONE: Record<OrderStatus, 'ok' | 'warn' | 'bad' | 'info' | 'plain'> = {
  pending: 'info',
  held: 'bad',
  backorder: 'warn',
  allocated: 'info',
  in_wave: 'info',
  picked: 'info',
  packed: 'info',
  shipped: 'ok',
  cancelled: 'plain',
};

export interface OrderLine {
  lineNo: number;
  skuCode: string | null;
  skuName: string | null;
  qty: number;
  listingCode: string | null;
  variantId: string | null;
  title: string | null;
  platformQty: number;
  factor: number;
  priceFen: number | null;
  mapped: boolean;
}

export interface Receiver {
  name: string | null;
  phone: string | null;
  province: string | null;
  city: string | null;
  district: string | null;
  address: string | null;
  divisionCode: string | null;
  masked: boolean;
  purged: boolean;
}

export interface OrderEvent {
  event: string;
  fromStatus: string | null;
  toStatus: string | null;
  actor: string;
  message: string | null;
  at: string | null;
}

export interface Order {
  id: number;
  ownerId: number;
  storeId: number | null;
  channel: string;
  externalId: string;
  status: OrderStatus;
  holdReason: HoldReason | null;
  holdDetail: string | null;
  paid: boolean;
  platformStatus: string | null;
  coldChain: boolean;
  intercept: boolean;
  receiver: Receiver;
  lines: OrderLine[];
  totalFen: number | null;
  currency: string | null;
  buyerNote: string | null;
  placedAt: string | null;
  releasedAt: string | null;
  cancelledAt: string | null;
  shippedAt: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  history?: OrderEvent[];
}

export interface OrderImportResult {
  orders: number;
  created: number;
  updated: number;
  unchanged: number;
  held: number;
  errors: Array<{ row: number; column: string | null; code: string; message: string }>;
  heldOrders: Array<{ externalId: string; holdReason: HoldReason | null; holdDetail: string | null }>;
  encoding: string;
  dryRun: boolean;
}

export const PLATFORMS = ['shopify', 'woocommerce', 'taobao'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** The credentials each platform needs (write-only: the API never sends them back). */
export const CREDENTIALS: Record<Platform, readonly string[]> = {
  shopify: ['accessToken', 'apiSecret'],
  woocommerce: ['consumerKey', 'consumerSecret', 'webhookSecret'],
  taobao: ['appKey', 'appSecret', 'session'],
};

/** A platform's name as people know it (淘宝/天猫, Shopify, …); an unknown one as the API names it. */
export const platformName = (t: TFunction, platform: string) => ((PLATFORMS as readonly string[]).includes(platform) ? t(`platform.${platform as Platform}`) : platform);

export interface Store {
  id: number;
  ownerId: number;
  platform: string;
  name: string;
  baseUrl: string;
  active: boolean;
  syncEverySeconds: number;
  credentialNames: string[];
  cursor: string | null;
  lastSyncAt: string | null;
  lastSuccessAt: string | null;
  lagSeconds: number | null;
  lastError: string | null;
  lastErrorAt: string | null;
  failures: number;
  ordersSeen: number;
  heldOrders: number;
  rejects: Array<{ externalId: string | null; reason: string; seenAt: string | null }>;
  webhookPath: string;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface Mapping {
  id: number;
  storeId: number;
  listingCode: string;
  skuId: number;
  skuCode: string;
  skuName: string;
  factor: number;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface UnmappedListing {
  listingCode: string | null;
  variantId: string | null;
  title: string | null;
  orders: number;
}

export interface MappingImportResult {
  created: number;
  updated: number;
  unchanged: number;
  errors: Array<{ row: number; column: string | null; code: string; message: string }>;
  encoding: string;
  dryRun: boolean;
}

const CJK = /[\u3400-\u9fff]/;

/**
 * The server writes hold details, sync errors and rejects as "中文 / English: detail", several
 * joined with "; ". Shows the reader's half of each, keeping the detail; other text as it is.
 */
export function localText(lang: Lang, text: string | null | undefined): string {
  if (!text) return '';
  return text
    .split(/; (?=[\u3400-\u9fff])/)
    .map((part) => {
      const cut = part.indexOf(' / ');
      if (cut < 0 || !CJK.test(part.slice(0, cut))) return part;
      const zh = part.slice(0, cut);
      const en = part.slice(cut + 3);
      if (lang === 'en') return en;
      const colon = en.indexOf(': ');
      return colon < 0 ? zh : `${zh}：${en.slice(colon + 2)}`;
    })
    .join(lang === 'zh' ? '；' : '; ');
}

/** "5 minutes ago" / "5 分钟前". */
export function relativeTime(lang: Lang, iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const fmt = new Intl.RelativeTimeFormat(lang === 'zh' ? 'zh-CN' : 'en', { numeric: 'auto' });
  // a moment in the future is clock skew between server and browser: "now"
  const s = Math.min(0, Math.round((then - now) / 1000));
  const abs = Math.abs(s);
  if (abs < 45) return fmt.format(s, 'second');
  if (abs < 45 * 60) return fmt.format(Math.round(s / 60), 'minute');
  if (abs < 22 * 3600) return fmt.format(Math.round(s / 3600), 'hour');
  return fmt.format(Math.round(s / 86400), 'day');
}

/** A duration in seconds as a short phrase ("3 min", "2 h 5 min", "3 days"). */
export function durationText(t: TFunction, seconds: number): string {
  if (seconds < 60) return t('time.seconds', { n: seconds });
  const m = Math.round(seconds / 60);
  if (m < 60) return t('time.minutes', { n: m });
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? t('time.hoursMinutes', { h, m: m % 60 }) : t('time.hours', { n: h });
  return t('time.days', { n: Math.round(h / 24) });
}

/** The listing code a mapping for this line would use. */
export const listingOf = (l: { listingCode: string | null; variantId: string | null }) => l.listingCode || l.variantId || '';
