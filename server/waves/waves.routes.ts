import { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { AppContext } from '../context';
import { defineRoute } from '../http/route';
import { Id, ListQuery, pageOf, Temperature, z } from '../http/zod';
import { renderLabels } from '../../printers/render';
import { picklistPages } from '../../printers/documents/picklist';
import { createWave, getWave, listWaves } from './waves.service';
import { claimBatch, confirmPutback, confirmTask, listTasks, shortTask, skipTask } from './picking.service';
import { putwallScan } from './putwall.service';
import { confirmReplenishment, listReplenishments } from '../allocation/replenish';
import { createWaveRule, deleteWaveRule, listWaveRules } from './wave-rules';

const SUPERVISE = ['admin', 'supervisor'] as const;
const FLOOR = ['admin', 'supervisor', 'operator'] as const;

const Task = z
  .object({
    id: z.number(),
    kind: z.enum(['pick', 'putback']),
    waveId: z.number(),
    batchNo: z.number(),
    batchKind: z.string(),
    seq: z.number().openapi({ description: 'position in the walking order of the batch' }),
    locationCode: z.string(),
    toLocationCode: z.string().openapi({ description: "the batch's tote (pick) or the pick face (put-back)" }),
    skuCode: z.string(),
    skuName: z.string(),
    spec: z.string().nullable(),
    lotNo: z.string(),
    lotTracked: z.boolean(),
    expiresAt: z.string().nullable(),
    qty: z.number(),
    pickedQty: z.number(),
    status: z.enum(['open', 'skipped', 'done', 'short', 'cancelled']),
    picker: z.string().nullable(),
  })
  .openapi('PickTask');

const Wave = z
  .object({
    id: z.number(),
    status: z.enum(['released', 'picking', 'picked', 'done', 'cancelled']),
    temperature: z.string(),
    carrierCode: z.string().nullable(),
    orderCount: z.number(),
    unitCount: z.number(),
    pickedUnits: z.number(),
    routeMetres: z.number().openapi({ description: 'walking distance of all batches, metres' }),
    createdBy: z.string(),
    createdAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    batches: z.array(z.object({ batchNo: z.number(), kind: z.enum(['single', 'multi']), toteCode: z.string(), picker: z.string().nullable(), status: z.string(), routeMetres: z.number(), tasks: z.number() })),
    orders: z.array(z.object({ orderId: z.number(), externalId: z.string(), status: z.string(), batchNo: z.number(), slotNo: z.number().nullable(), units: z.number(), sortedUnits: z.number(), slotStatus: z.string() })),
    tasks: z.union([z.array(Task), z.number()]),
  })
  .openapi('Wave');

const Progress = z.object({
  batch: z.object({ tasks: z.number(), done: z.number(), units: z.number(), picked: z.number() }),
  wave: z.object({ tasks: z.number(), done: z.number(), units: z.number(), picked: z.number() }),
  next: Task.nullable(),
});

export function waveRoutes(ctx: AppContext, registry: OpenAPIRegistry): Router {
  const r = Router();
  const byId = z.object({ id: Id });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/waves',
    summary: 'Release a wave: allocated orders of one temperature class, batched by nearness, tasks in walking order',
    tag: 'waves',
    roles: SUPERVISE,
    body: z
      .object({
        orderIds: z.array(Id).min(1).max(5000).optional(),
        maxOrders: z.number().int().min(1).max(5000).optional(),
        maxUnits: z.number().int().min(1).max(100_000).optional(),
        temperature: Temperature.optional(),
        carrierCode: z.string().trim().max(32).optional(),
      })
      .strict()
      .openapi('CreateWave'),
    response: { status: 201, description: 'The wave with its orders (batch, put-wall slot) and pick tasks', schema: Wave },
    handler: async ({ body, caller }) => ({ body: await createWave(ctx, caller, body ?? {}) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/waves',
    summary: 'Waves; status may list several, comma-separated',
    tag: 'waves',
    roles: FLOOR,
    query: ListQuery.extend({ status: z.string().regex(/^[a-z,]+$/).optional() }),
    response: { status: 200, description: 'Waves', schema: pageOf(Wave) },
    handler: async ({ query }) => ({ body: await listWaves(ctx, query) }),
  });
  const HhMm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time HH:MM (hub time, UTC+8)');
  const WaveRule = z
    .object({
      id: z.number(),
      name: z.string(),
      temperature: z.string(),
      carrierCode: z.string().nullable(),
      releaseAt: z.string(),
      cutoffAt: z.string().nullable(),
      maxOrders: z.number(),
      maxUnits: z.number(),
      active: z.boolean(),
      lastRunDay: z.string().nullable(),
      lastRunAt: z.string().nullable(),
      lastResult: z.string().nullable(),
    })
    .openapi('WaveRule');
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/wave-rules',
    summary: "An automatic wave: released every day at releaseAt (hub time), before the carrier's cut-off",
    tag: 'waves',
    roles: SUPERVISE,
    body: z
      .object({
        name: z.string().trim().min(1).max(100),
        temperature: Temperature,
        carrierCode: z.string().trim().max(32).nullish(),
        releaseAt: HhMm,
        cutoffAt: HhMm.nullish(),
        maxOrders: z.number().int().min(1).max(5000).optional(),
        maxUnits: z.number().int().min(1).max(100_000).optional(),
        active: z.boolean().optional(),
      })
      .strict()
      .refine((v) => !v.cutoffAt || v.releaseAt < v.cutoffAt, { message: 'releaseAt must be before cutoffAt', path: ['releaseAt'] }),
    response: { status: 201, description: 'The rule', schema: WaveRule },
    handler: async ({ body, caller }) => ({ body: await createWaveRule(ctx, caller, body) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/wave-rules',
    summary: 'Automatic wave rules with their last run',
    tag: 'waves',
    roles: FLOOR,
    response: { status: 200, description: 'Rules', schema: pageOf(WaveRule) },
    handler: async () => ({ body: await listWaveRules(ctx) }),
  });
  defineRoute(r, registry, {
    method: 'delete',
    path: '/api/v1/wave-rules/:id',
    summary: 'Remove a rule',
    tag: 'waves',
    roles: SUPERVISE,
    params: byId,
    response: { status: 204, description: 'Removed' },
    handler: async ({ params, caller }) => {
      await deleteWaveRule(ctx, caller, params.id);
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/waves/:id',
    summary: 'One wave: batches, orders with their slots, tasks and progress',
    tag: 'waves',
    roles: [...FLOOR, 'seller'],
    params: byId,
    response: { status: 200, description: 'The wave', schema: Wave },
    handler: async ({ params, caller }) => ({ body: await getWave(ctx, caller, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/waves/:id/picklist',
    summary: 'The pick list of a wave (tasks in walking order per batch, put-wall slots) as JSON or a printable PDF',
    tag: 'waves',
    roles: FLOOR,
    params: byId,
    query: z.object({ format: z.enum(['json', 'pdf']).default('json') }),
    response: { status: 200, description: 'The pick list', contentTypes: ['application/json', 'application/pdf'] },
    handler: async ({ params, query, caller }) => {
      const wave = await getWave(ctx, caller, params.id);
      const tasks = wave.tasks as any[];
      const batches = wave.batches.map((b) => ({
        waveId: wave.id,
        batchNo: b.batchNo,
        kind: b.kind as 'single' | 'multi',
        toteCode: b.toteCode,
        temperature: wave.temperature,
        tasks: tasks.filter((t) => t.batchNo === b.batchNo && t.kind === 'pick').map((t) => ({ seq: t.seq, locationCode: t.locationCode, skuCode: t.skuCode, skuName: t.skuName, lotNo: t.lotNo, qty: t.qty })),
        slots: wave.orders.filter((o) => o.batchNo === b.batchNo).map((o) => ({ slotNo: o.slotNo, externalId: o.externalId, units: o.units })),
      }));
      if (query.format === 'json') return { body: { waveId: wave.id, temperature: wave.temperature, batches } };
      const out = await renderLabels(picklistPages(batches), 'pdf', { title: `Wave ${wave.id}` });
      return { raw: { contentType: 'application/pdf', data: out.data, filename: `wave-${wave.id}-picklist.pdf` } };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/pick-tasks',
    summary: 'Pick and put-back tasks in walking order (batch, then seq)',
    tag: 'picking',
    roles: FLOOR,
    query: z.object({ waveId: Id.optional(), batchNo: Id.optional(), status: z.string().regex(/^[a-z,]+$/).optional(), kind: z.enum(['pick', 'putback']).optional(), limit: z.coerce.number().int().min(1).max(2000).optional() }),
    response: { status: 200, description: 'Tasks', schema: pageOf(Task) },
    handler: async ({ query }) => ({ body: await listTasks(ctx, query) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/pick-tasks/claim',
    summary: "A picker's next work: the batch in their hands, else the oldest batch nobody has taken; its tasks in walking order",
    tag: 'picking',
    roles: FLOOR,
    body: z.object({ waveId: Id.optional() }).strict(),
    response: {
      status: 200,
      description: 'The batch and its tasks',
      schema: z.object({ waveId: z.number(), batchNo: z.number(), kind: z.string(), picker: z.string(), tasks: z.array(Task), progress: Progress }),
    },
    handler: async ({ body, caller }) => ({ body: await claimBatch(ctx, caller, body?.waveId) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/pick-tasks/:id/confirm',
    summary: "Confirm a pick by scan: the task's location, then its item (a case barcode counts its case; a LOT label names the lot); the units move to the tote",
    tag: 'picking',
    roles: FLOOR,
    params: byId,
    body: z
      .object({
        locationCode: z.string().trim().min(1).max(64),
        barcode: z.string().trim().min(1).max(64),
        qty: z.number().int().min(1).max(10_000).openapi({ description: 'scans of the barcode' }),
        lotNo: z.string().trim().max(64).nullish(),
      })
      .strict()
      .openapi('ConfirmPick'),
    response: { status: 200, description: 'The task, the units counted, the progress and the next task', schema: z.object({ task: Task, units: z.number(), progress: Progress }) },
    handler: async ({ params, body, caller }) => ({ body: await confirmTask(ctx, caller, params.id, body) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/pick-tasks/:id/skip',
    summary: 'Skip a task and come back to it: it moves to the end of the batch',
    tag: 'picking',
    roles: FLOOR,
    params: byId,
    response: { status: 200, description: 'The task and the progress', schema: z.object({ task: Task, progress: Progress }) },
    handler: async ({ params, caller }) => ({ body: await skipTask(ctx, caller, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/pick-tasks/:id/short',
    summary: 'Short pick: what is left of the task is not there; other stock is reserved for its orders, or they are held',
    tag: 'picking',
    roles: FLOOR,
    params: byId,
    body: z.object({ reason: z.string().trim().max(200).nullish() }).strict(),
    response: {
      status: 200,
      description: 'The task, the units missing, the orders given other stock and the orders held',
      schema: z.object({ task: Task, missing: z.number(), reallocatedOrders: z.array(z.number()), heldOrders: z.array(z.number()), progress: Progress }),
    },
    handler: async ({ params, body, caller }) => ({ body: await shortTask(ctx, caller, params.id, body?.reason) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/pick-tasks/:id/putback',
    summary: 'Confirm a put-back (units of a cancelled order returned from the tote to the pick face) by scanning the face',
    tag: 'picking',
    roles: FLOOR,
    params: byId,
    body: z.object({ locationCode: z.string().trim().min(1).max(64) }).strict(),
    response: { status: 200, description: 'The task', schema: z.object({ task: Task }) },
    handler: async ({ params, body, caller }) => ({ body: await confirmPutback(ctx, caller, params.id, body) }),
  });
  const Replenishment = z
    .object({
      id: z.number(),
      ownerId: z.number(),
      skuCode: z.string(),
      skuName: z.string(),
      lotNo: z.string(),
      fromLocationCode: z.string(),
      toLocationCode: z.string(),
      qty: z.number(),
      status: z.enum(['open', 'done', 'cancelled']),
      reason: z.string(),
      waveId: z.number().nullable(),
      doneBy: z.string().nullable(),
      doneAt: z.string().nullable(),
      createdAt: z.string().nullable(),
    })
    .openapi('Replenishment');
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/replenishments',
    summary: 'Replenishment tasks: stock to bring from bulk to a pick face (for backorders, or after a wave left a face low)',
    tag: 'picking',
    roles: FLOOR,
    query: z.object({ status: z.string().regex(/^[a-z,]+$/).optional() }),
    response: { status: 200, description: 'Tasks', schema: pageOf(Replenishment) },
    handler: async ({ query }) => ({ body: await listReplenishments(ctx, query) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/replenishments/:id/confirm',
    summary: 'Confirm a replenishment by scanning the bulk location and the pick face; backorders then allocate',
    tag: 'picking',
    roles: FLOOR,
    params: byId,
    body: z.object({ fromLocationCode: z.string().trim().min(1).max(64), toLocationCode: z.string().trim().min(1).max(64), qty: z.number().int().min(1).max(100_000).optional() }).strict(),
    response: { status: 200, description: 'The task', schema: Replenishment },
    handler: async ({ params, body, caller }) => ({ body: await confirmReplenishment(ctx, caller, params.id, body) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/putwall/scan',
    summary: "Put-wall: scan a unit from the batch's tote; the answer is the slot of the order it belongs to",
    tag: 'picking',
    roles: FLOOR,
    body: z.object({ waveId: Id, batchNo: Id.optional(), barcode: z.string().trim().min(1).max(64) }).strict().openapi('PutwallScan'),
    response: {
      status: 200,
      description: 'The slot',
      schema: z.object({ slotNo: z.number(), orderId: z.number(), externalId: z.string(), sortedUnits: z.number(), units: z.number(), slotComplete: z.boolean(), readyToPack: z.boolean() }),
    },
    handler: async ({ body, caller }) => ({ body: await putwallScan(ctx, caller, body) }),
  });
  return r;
}
