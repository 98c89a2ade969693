import type { PlatformName } from './types';

/**
 * Our carrier as the platform names it. Our carriers are rows the hub sets up (a free `code`, a
 * `name`, the `adapter` that talks to them), so the tables key on a normalised carrier key, found
 * from the code first and the adapter second.
 *
 * Where the tables come from:
 * - taobao: TOP's logistics company codes (taobao.logistics.companies.get, the `code` field; the
 *   same codes the 快递简称 lists of taobao.logistics.offline.send point to). TOP checks the code,
 *   so an unknown carrier goes as 'OTHER' (其他快递) and the tracking number stays readable.
 * - shopify: the "Supported tracking companies" of FulfillmentTrackingInfo.company (Admin API);
 *   a name on that list gets a tracking link, any other name is kept as a custom company, so
 *   the fallback is our own carrier name.
 * - woocommerce: no carrier codes in core; the Shipment Tracking extension takes a provider
 *   name and the order note is text: our own name is the best there is.
 */

export interface OurCarrier {
  code: string;
  name: string;
  adapter: string;
}

type CarrierKey = 'SF' | 'ZTO' | 'YTO' | 'STO' | 'YUNDA' | 'EMS' | 'POST' | 'JD' | 'DEPPON' | 'JT';

/** The usual ways a hub writes each carrier's code. */
const ALIASES: Record<string, CarrierKey> = {
  SF: 'SF', SFEXPRESS: 'SF', SHUNFENG: 'SF',
  ZTO: 'ZTO', ZHONGTONG: 'ZTO',
  YTO: 'YTO', YUANTONG: 'YTO',
  STO: 'STO', SHENTONG: 'STO',
  YUNDA: 'YUNDA', YD: 'YUNDA',
  EMS: 'EMS',
  POST: 'POST', CHINAPOST: 'POST', POSTB: 'POST', YOUZHENGGUONEI: 'POST',
  JD: 'JD', JDL: 'JD', JINGDONG: 'JD',
  DBL: 'DEPPON', DEPPON: 'DEPPON', DEBANGWULIU: 'DEPPON', DBKD: 'DEPPON',
  JT: 'JT', JTEXPRESS: 'JT', JITU: 'JT', JTSD: 'JT',
};

// J&T (极兔) is left out on purpose: its Taobao code could not be confirmed here; it goes as OTHER.
const TAOBAO: Partial<Record<CarrierKey, string>> = {
  SF: 'SF', ZTO: 'ZTO', YTO: 'YTO', STO: 'STO', YUNDA: 'YUNDA', EMS: 'EMS', POST: 'POSTB', JD: 'JD', DEPPON: 'DBKD',
};

const SHOPIFY: Partial<Record<CarrierKey, string>> = {
  SF: 'SF Express', ZTO: 'ZTO Express', YTO: 'YTO Express', STO: 'STO Express', YUNDA: 'Yunda Express', EMS: 'China EMS (ePacket)', POST: 'China Post', JD: 'JD Logistics',
};

function keyOf(c: OurCarrier): CarrierKey | null {
  const norm = (s: string) => s.toUpperCase().replace(/[^A-Z]/g, '');
  return ALIASES[norm(c.code)] ?? ALIASES[norm(c.adapter)] ?? null;
}

/** The platform's code (Taobao) or company name (Shopify, WooCommerce) for our carrier. */
export function platformCarrierCode(platform: PlatformName, c: OurCarrier): string {
  const key = keyOf(c);
  if (platform === 'taobao') return (key && TAOBAO[key]) || 'OTHER';
  if (platform === 'shopify') return (key && SHOPIFY[key]) || c.name;
  return c.name;
}
