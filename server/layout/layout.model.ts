import type { Temperature } from '../http/zod';

export const LOCATION_TYPES = ['pick', 'bulk', 'dock', 'staging', 'putwall'] as const;
export type LocationType = (typeof LOCATION_TYPES)[number];
export const TEMPERATURES = ['ambient', 'chilled', 'frozen'] as const;

export interface LocationInput {
  code: string;
  zone: string;
  temperature: Temperature;
  type: LocationType;
  x?: number | null;
  y?: number | null;
  pickSeq?: number | null;
  warehouseId?: number;
}

/** Words a Chinese warehouse sheet uses for the same values. */
export const TEMPERATURE_WORDS: Record<string, Temperature> = {
  ambient: 'ambient',
  常温: 'ambient',
  chilled: 'chilled',
  冷藏: 'chilled',
  frozen: 'frozen',
  冷冻: 'frozen',
};

export const LOCATION_TYPE_WORDS: Record<string, LocationType> = {
  pick: 'pick',
  拣货位: 'pick',
  拣选位: 'pick',
  bulk: 'bulk',
  存储位: 'bulk',
  存货位: 'bulk',
  dock: 'dock',
  月台: 'dock',
  收货位: 'dock',
  staging: 'staging',
  暂存位: 'staging',
  集货位: 'staging',
  putwall: 'putwall',
  播种墙: 'putwall',
  播种位: 'putwall',
};

export const metresToCm = (m: number | null | undefined) => (m === null || m === undefined ? null : Math.round(m * 100));
export const cmToMetres = (cm: number | null | undefined) => (cm === null || cm === undefined ? null : cm / 100);

export function presentLocation(r: any) {
  return {
    id: Number(r.id),
    warehouseId: Number(r.warehouse_id),
    code: r.code,
    zone: r.zone_code,
    temperature: r.temperature,
    type: r.type,
    x: cmToMetres(r.x_cm),
    y: cmToMetres(r.y_cm),
    pickSeq: r.pick_seq ?? null,
    status: r.status,
  };
}
