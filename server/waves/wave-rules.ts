import type { AppContext } from '../context';
import type { Caller } from '../auth/principal';
import { SYSTEM_CALLER } from '../auth/principal';
import type { JobSpec } from '../queue/registry';
import { nowDb, toIso } from '../db/time';
import { AppError, NotFound } from '../http/errors';
import { audit } from '../audit';
import { inTransaction } from '../db/transaction';
import { createWave } from './waves.service';

/**
 * Wave rules: release a wave every day at a set time before a carrier's cut-off, for one
 * temperature class (and carrier). Times are the hub's (China, UTC+8). A rule fires once a day:
 * the claim of its day is a conditional update, so two workers cannot both release it.
 */
const HUB_OFFSET_MS = 8 * 3600 * 1000;

export function hubClock(now = new Date()): { day: string; hhmm: string } {
  const local = new Date(now.getTime() + HUB_OFFSET_MS).toISOString();
  return { day: local.slice(0, 10), hhmm: local.slice(11, 16) };
}

export interface WaveRuleInput {
  name: string;
  temperature: string;
  carrierCode?: string | null;
  releaseAt: string;
  cutoffAt?: string | null;
  maxOrders?: number;
  maxUnits?: number;
  active?: boolean;
}

const present = (r: any) => ({
  id: Number(r.id),
  name: r.name,
  temperature: r.temperature,
  carrierCode: r.carrier_code ?? null,
  releaseAt: r.release_at,
  cutoffAt: r.cutoff_at ?? null,
  maxOrders: r.max_orders,
  maxUnits: r.max_units,
  active: !!r.active,
  lastRunDay: r.last_run_day ?? null,
  lastRunAt: toIso(r.last_run_at),
  lastResult: r.last_result ?? null,
});

export async function createWaveRule(ctx: AppContext, caller: Caller, input: WaveRuleInput) {
  return inTransaction(ctx.db, async (trx) => {
    const now = nowDb();
    const [id] = await trx('wave_rules').insert({
      name: input.name,
      temperature: input.temperature,
      carrier_code: input.carrierCode ?? null,
      release_at: input.releaseAt,
      cutoff_at: input.cutoffAt ?? null,
      max_orders: input.maxOrders ?? 200,
      max_units: input.maxUnits ?? 2000,
      active: input.active ?? true,
      created_at: now,
      updated_at: now,
    });
    await audit(trx, caller, { action: 'create', entity: 'wave_rule', entityId: id, details: { ...input } });
    return present(await trx('wave_rules').where({ id }).first());
  });
}

export async function listWaveRules(ctx: AppContext) {
  return { items: (await ctx.db('wave_rules').orderBy('release_at')).map(present), nextCursor: null };
}

export async function deleteWaveRule(ctx: AppContext, caller: Caller, id: number) {
  await inTransaction(ctx.db, async (trx) => {
    if (!(await trx('wave_rules').where({ id }).delete())) throw new NotFound('wave rule');
    await audit(trx, caller, { action: 'delete', entity: 'wave_rule', entityId: id });
  });
}

/** Runs the rules whose time has come today and that have not run today. */
export async function runDueRules(ctx: AppContext, now = new Date()): Promise<Array<{ ruleId: number; waveId: number | null; result: string }>> {
  const { day, hhmm } = hubClock(now);
  const due = await ctx.db('wave_rules').where({ active: true }).where('release_at', '<=', hhmm).where((q) => q.whereNull('last_run_day').orWhere('last_run_day', '<', day));
  const out = [];
  for (const rule of due) {
    const claimed = await ctx.db('wave_rules')
      .where({ id: rule.id })
      .where((q) => q.whereNull('last_run_day').orWhere('last_run_day', '<', day))
      .update({ last_run_day: day, last_run_at: nowDb(), updated_at: nowDb() });
    if (!claimed) continue;
    let waveId: number | null = null;
    let result: string;
    try {
      const wave = await createWave(ctx, SYSTEM_CALLER, { temperature: rule.temperature, carrierCode: rule.carrier_code ?? undefined, maxOrders: rule.max_orders, maxUnits: rule.max_units });
      waveId = wave.id;
      result = `wave ${wave.id}: ${wave.orderCount} orders, ${wave.unitCount} units`;
    } catch (err) {
      result = err instanceof AppError ? `${err.code}: ${err.message}` : `failed: ${(err as Error).message}`;
      if (!(err instanceof AppError)) {
        // a real failure: let the next run try again today
        await ctx.db('wave_rules').where({ id: rule.id }).update({ last_run_day: null, last_result: result.slice(0, 500) });
        throw err;
      }
    }
    await ctx.db('wave_rules').where({ id: rule.id }).update({ last_result: result.slice(0, 500) });
    out.push({ ruleId: Number(rule.id), waveId, result });
  }
  return out;
}

export const waveRulesJob: JobSpec = {
  maxAttempts: 1,
  async handler(ctx) {
    const ran = await runDueRules(ctx);
    if (ran.length) ctx.log.info({ ran }, 'wave rules ran');
  },
};

export const WAVE_RULES_EVERY_MS = 30 * 1000;
