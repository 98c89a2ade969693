import type { CarrierAdapter } from './types';
import { kuaidi100Adapter } from './kuaidi100';
import { sfAdapter } from './sf';
import { ztoAdapter } from './zto';
import { localAdapter } from './local';

export * from './types';
export { localWaybillNo, checkLocalWaybillNo } from './local';

/** Every carrier adapter, by the name stored in carriers.adapter. */
export const CARRIERS: Record<string, CarrierAdapter> = {
  kuaidi100: kuaidi100Adapter,
  sf: sfAdapter,
  zto: ztoAdapter,
  local: localAdapter,
};

export const CARRIER_ADAPTERS = Object.keys(CARRIERS);

export function carrierAdapter(name: string): CarrierAdapter {
  const adapter = Object.hasOwn(CARRIERS, name) ? CARRIERS[name] : undefined;
  if (!adapter) throw new Error(`unknown carrier adapter "${name}" (known: ${CARRIER_ADAPTERS.join(', ')})`);
  return adapter;
}
