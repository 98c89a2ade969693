import type { PlatformAdapter, PlatformName } from './types';
import { shopifyAdapter } from './shopify';
import { wooCommerceAdapter } from './woocommerce';
import { taobaoAdapter } from './taobao';

export * from './types';
export { platformCarrierCode, type OurCarrier } from './carrier-codes';

/** Every platform the hub can connect to, by the name used in `POST /api/v1/stores`. */
export const PLATFORMS: Record<PlatformName, PlatformAdapter> = {
  shopify: shopifyAdapter,
  woocommerce: wooCommerceAdapter,
  taobao: taobaoAdapter,
};

export const PLATFORM_NAMES = Object.keys(PLATFORMS) as PlatformName[];

export function adapterFor(platform: string): PlatformAdapter | undefined {
  return (PLATFORMS as Record<string, PlatformAdapter>)[platform];
}
