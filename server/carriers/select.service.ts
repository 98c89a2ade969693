import type { AppContext } from '../context';
import type { Tx } from '../db/knex';
import type { Caller } from '../auth/principal';
import { inTransaction } from '../db/transaction';
import { nowDb } from '../db/time';
import { BusinessRule, NotFound, ValidationFailed } from '../http/errors';
import { assertOwnerVisible } from '../auth/scope';
import { audit } from '../audit';
import { chooseCarrier, type CarrierCandidate, type Choice, type Rate, type Shipment } from './selection';
import { loadCarrier } from './carriers.service';

function presentRate(r: any): Rate {
  return {
    province: r.province ?? null,
    city: r.city ?? null,
    maxWeightG: r.max_weight_g === null || r.max_weight_g === undefined ? null : Number(r.max_weight_g),
    firstWeightG: Number(r.first_weight_g),
    firstFen: Number(r.first_fen),
    extraFenPerKg: Number(r.extra_fen_per_kg),
  };
}

export async function candidatesFor(db: Tx, ownerId: number): Promise<CarrierCandidate[]> {
  const [carriers, rates, prefs] = await Promise.all([
    db('carriers').where({ status: 'active' }).orderBy('id'),
    db('carrier_rates').orderBy('id'),
    db('owner_carrier_prefs').where({ owner_id: ownerId }),
  ]);
  const rank = new Map(prefs.map((p: any) => [Number(p.carrier_id), Number(p.rank)]));
  return carriers.map((c: any) => ({
    id: Number(c.id),
    code: c.code,
    name: c.name,
    coldChain: !!c.cold_chain,
    rates: rates.filter((r: any) => Number(r.carrier_id) === Number(c.id)).map(presentRate),
    preferenceRank: rank.get(Number(c.id)) ?? null,
  }));
}

/** The carrier by rule, or the one a supervisor names (still refused if it cannot carry cold goods). */
export async function selectCarrier(db: Tx, ownerId: number, s: Shipment, overrideCode?: string | null): Promise<Choice> {
  const candidates = await candidatesFor(db, ownerId);
  if (overrideCode) {
    const c = candidates.find((x) => x.code === overrideCode);
    if (!c) throw new BusinessRule('UNKNOWN_CARRIER', `No active carrier ${overrideCode}`, [{ field: 'carrierCode', code: 'unknown', message: overrideCode }]);
    if (s.temperature !== 'ambient' && !c.coldChain) throw new BusinessRule('CARRIER_NOT_COLD_CHAIN', `${c.code} has no cold chain for ${s.temperature} goods`);
    const byRule = chooseCarrier(candidates, s);
    return { carrier: c, costFen: null, reason: `chosen by hand over ${byRule.carrier?.code ?? 'no carrier by rule'}`, considered: byRule.considered };
  }
  return chooseCarrier(candidates, s);
}

export async function previewSelection(ctx: AppContext, caller: Caller, input: Shipment & { ownerId: number }) {
  assertOwnerVisible(caller.principal, input.ownerId, 'owner');
  const choice = await selectCarrier(ctx.db, input.ownerId, input);
  return { carrierCode: choice.carrier?.code ?? null, costFen: choice.costFen, reason: choice.reason, considered: choice.considered };
}

export async function listRates(ctx: AppContext, caller: Caller, carrierId: number) {
  await loadCarrier(ctx.db, caller, carrierId);
  return { items: (await ctx.db('carrier_rates').where({ carrier_id: carrierId }).orderBy('id')).map(presentRate), nextCursor: null };
}

/** The rate table is replaced whole: what a hub gets from a carrier each season is one table. */
export async function putRates(ctx: AppContext, caller: Caller, carrierId: number, rates: Rate[]) {
  return inTransaction(ctx.db, async (trx) => {
    const carrier = await loadCarrier(trx, caller, carrierId);
    await trx('carrier_rates').where({ carrier_id: carrierId }).delete();
    const now = nowDb();
    if (rates.length) {
      await trx('carrier_rates').insert(
        rates.map((r) => ({
          carrier_id: carrierId,
          province: r.province ?? null,
          city: r.city ?? null,
          max_weight_g: r.maxWeightG ?? null,
          first_weight_g: r.firstWeightG,
          first_fen: r.firstFen,
          extra_fen_per_kg: r.extraFenPerKg,
          created_at: now,
          updated_at: now,
        })),
      );
    }
    await audit(trx, caller, { action: 'carrier.rates', entity: 'carrier', entityId: carrierId, details: { code: carrier.code, rates: rates.length } });
    return { items: (await trx('carrier_rates').where({ carrier_id: carrierId }).orderBy('id')).map(presentRate), nextCursor: null };
  });
}

export async function getPreferences(ctx: AppContext, caller: Caller, ownerId: number) {
  assertOwnerVisible(caller.principal, ownerId, 'owner');
  const rows = await ctx.db('owner_carrier_prefs').join('carriers', 'carriers.id', 'owner_carrier_prefs.carrier_id').where({ owner_id: ownerId }).orderBy('rank').select('carriers.code');
  return { ownerId, carrierCodes: rows.map((r: any) => r.code) };
}

export async function putPreferences(ctx: AppContext, caller: Caller, ownerId: number, codes: string[]) {
  assertOwnerVisible(caller.principal, ownerId, 'owner');
  return inTransaction(ctx.db, async (trx) => {
    if (!(await trx('owners').where({ id: ownerId }).first('id'))) throw new NotFound('owner');
    const carriers = codes.length ? await trx('carriers').whereIn('code', codes) : [];
    const unknown = codes.filter((c) => !carriers.some((x: any) => x.code === c));
    if (unknown.length) throw new ValidationFailed(unknown.map((c) => ({ field: 'carrierCodes', code: 'unknown', message: `no carrier ${c}` })));
    await trx('owner_carrier_prefs').where({ owner_id: ownerId }).delete();
    if (codes.length) {
      await trx('owner_carrier_prefs').insert(codes.map((code, i) => ({ owner_id: ownerId, carrier_id: carriers.find((x: any) => x.code === code).id, rank: i + 1 })));
    }
    await audit(trx, caller, { action: 'owner.carrier_preferences', entity: 'owner', entityId: ownerId, ownerId, details: { codes } });
    return { ownerId, carrierCodes: codes };
  });
}
