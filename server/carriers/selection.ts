/**
 * Carrier selection by rule, pure: which carriers can take this parcel (temperature, destination,
 * weight), then the owner's preference, then the cost table. Every carrier considered is listed
 * with why it was or was not eligible, so the reason recorded on the parcel can be read back.
 */

export type Temperature = 'ambient' | 'chilled' | 'frozen';

export interface Rate {
  province: string | null;
  city: string | null;
  /** the heaviest parcel this band takes; null = no limit */
  maxWeightG: number | null;
  firstWeightG: number;
  firstFen: number;
  extraFenPerKg: number;
}

export interface CarrierCandidate {
  id: number;
  code: string;
  name: string;
  coldChain: boolean;
  /** empty: the carrier has no rate table and serves everywhere at an unknown cost */
  rates: Rate[];
  /** the owner's preference, 1 = first; null = not named by the owner */
  preferenceRank: number | null;
}

export interface Shipment {
  province: string | null;
  city: string | null;
  weightG: number;
  temperature: Temperature;
}

export interface Considered {
  code: string;
  eligible: boolean;
  why: string;
  costFen: number | null;
}

export interface Choice {
  carrier: CarrierCandidate | null;
  costFen: number | null;
  reason: string;
  considered: Considered[];
}

const SUFFIXES = ['维吾尔自治区', '壮族自治区', '回族自治区', '特别行政区', '自治区', '自治州', '地区', '省', '市', '盟'];

/** 浙江省 = 浙江, 广西壮族自治区 = 广西: rate tables and order addresses name places either way. */
export function placeKey(name: string | null | undefined): string {
  let s = (name ?? '').trim();
  for (const suffix of SUFFIXES) {
    if (s.length > suffix.length + 1 && s.endsWith(suffix)) {
      s = s.slice(0, -suffix.length);
      break;
    }
  }
  return s;
}

export function rateCost(rate: Rate, weightG: number): number {
  const extraKg = Math.ceil(Math.max(0, weightG - rate.firstWeightG) / 1000);
  return rate.firstFen + extraKg * rate.extraFenPerKg;
}

/** The most specific rate for the destination (city over province over anywhere) whose weight band takes the parcel. */
export function matchRate(rates: Rate[], s: Shipment): { rate: Rate | null; why: string } {
  const province = placeKey(s.province);
  const city = placeKey(s.city);
  const places = rates.filter((r) => !r.province || placeKey(r.province) === province).filter((r) => !r.city || placeKey(r.city) === city);
  if (!places.length) return { rate: null, why: `does not serve ${s.province ?? '?'} ${s.city ?? ''}`.trim() };
  const specificity = (r: Rate) => (r.city ? 2 : r.province ? 1 : 0);
  const fitting = places
    .filter((r) => r.maxWeightG === null || r.maxWeightG >= s.weightG)
    .sort((a, b) => specificity(b) - specificity(a) || (a.maxWeightG ?? Infinity) - (b.maxWeightG ?? Infinity));
  if (!fitting.length) return { rate: null, why: `takes at most ${Math.max(...places.map((r) => r.maxWeightG ?? 0))} g to ${s.province ?? '?'}` };
  return { rate: fitting[0], why: '' };
}

export function chooseCarrier(candidates: CarrierCandidate[], s: Shipment): Choice {
  const considered: Considered[] = [];
  const eligible: Array<{ c: CarrierCandidate; cost: number | null }> = [];
  for (const c of candidates) {
    if (s.temperature !== 'ambient' && !c.coldChain) {
      considered.push({ code: c.code, eligible: false, why: `no cold chain for ${s.temperature} goods`, costFen: null });
      continue;
    }
    if (!c.rates.length) {
      eligible.push({ c, cost: null });
      considered.push({ code: c.code, eligible: true, why: 'no rate table: serves everywhere', costFen: null });
      continue;
    }
    const { rate, why } = matchRate(c.rates, s);
    if (!rate) {
      considered.push({ code: c.code, eligible: false, why, costFen: null });
      continue;
    }
    const cost = rateCost(rate, s.weightG);
    eligible.push({ c, cost });
    considered.push({ code: c.code, eligible: true, why: `rate ${rate.city ?? rate.province ?? 'anywhere'}: ${cost} fen`, costFen: cost });
  }
  const dest = `${s.province ?? '?'} ${s.city ?? ''}`.trim();
  if (!eligible.length) {
    const why = considered.map((c) => `${c.code}: ${c.why}`).join('; ');
    return { carrier: null, costFen: null, reason: `no carrier can take ${s.temperature} ${s.weightG} g to ${dest}${why ? ` (${why})` : ''}`, considered };
  }
  eligible.sort(
    (a, b) =>
      (a.c.preferenceRank ?? Infinity) - (b.c.preferenceRank ?? Infinity) ||
      (a.cost ?? Infinity) - (b.cost ?? Infinity) ||
      a.c.id - b.c.id,
  );
  const best = eligible[0];
  const parts = [
    best.c.preferenceRank !== null ? `owner preference #${best.c.preferenceRank}` : best.cost !== null ? 'cheapest eligible' : 'only carriers without rates eligible',
    `${s.temperature} ${s.weightG} g to ${dest}`,
    best.cost !== null ? `cost ${best.cost} fen` : 'cost unknown',
  ];
  if (s.temperature !== 'ambient') parts.push('cold chain');
  if (eligible.length > 1) parts.push(`over ${eligible.slice(1).map((e) => e.c.code).join(', ')}`);
  return { carrier: best.c, costFen: best.cost, reason: parts.join('; '), considered };
}
