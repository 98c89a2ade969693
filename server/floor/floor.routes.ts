import { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { AppContext } from '../context';
import { defineRoute } from '../http/route';
import { z } from '../http/zod';
import { floorSnapshot } from './floor.service';

const SUPERVISE = ['admin', 'supervisor'] as const;

const Time = z.string().nullable();
const Floor = z
  .object({
    at: z.string().openapi({ description: 'when the snapshot was taken' }),
    day: z.string().openapi({ description: "the hub's day (China time, UTC+8), YYYY-MM-DD: 'today' in every figure" }),
    hubTime: z.string().openapi({ description: 'HH:MM, hub time' }),
    ordersByStatus: z.array(z.object({ status: z.string(), count: z.number() })).openapi({ description: 'every status an order can still leave the hub from, with zero counts' }),
    carriers: z.array(
      z.object({
        carrierCode: z.string().nullable().openapi({ description: 'null: orders whose carrier is not chosen yet (it is chosen at pack)' }),
        carrierName: z.string().nullable(),
        cutoffAt: z.string().nullable().openapi({ description: "HH:MM hub time, from the carrier's active wave rules: the next one today, or the last once all have passed" }),
        minutesToCutoff: z.number().nullable().openapi({ description: 'negative once the cut-off has passed' }),
        toPack: z.number().openapi({ description: 'orders allocated, in a wave or picked (for a carrier: in a wave released for it)' }),
        toShip: z.number().openapi({ description: 'labelled parcels of packed orders not yet on a closed manifest' }),
        waiting: z.number().openapi({ description: 'toPack + toShip' }),
        packedToday: z.number().openapi({ description: 'parcels labelled today' }),
        atRisk: z.boolean().openapi({ description: 'work is waiting (orders to pack, or packed parcels not on a closed manifest) and the cut-off is less than 60 minutes away or has passed' }),
        late: z.boolean().openapi({ description: 'the cut-off has passed with work still waiting: it missed the pick-up' }),
      }),
    ),
    waves: z.array(
      z.object({
        id: z.number(),
        status: z.enum(['released', 'picking', 'picked']),
        temperature: z.string(),
        carrierCode: z.string().nullable(),
        orders: z.number(),
        units: z.number(),
        pickedUnits: z.number(),
        sortUnits: z.number().openapi({ description: 'units that go through the put-wall' }),
        sortedUnits: z.number(),
        batches: z.number(),
        pickers: z.array(z.string()),
        createdAt: Time,
      }),
    ),
    backorders: z.object({
      total: z.number(),
      items: z.array(
        z.object({
          orderId: z.number(),
          externalId: z.string(),
          ownerName: z.string(),
          status: z.enum(['backorder', 'held']),
          holdReason: z.string().nullable(),
          reason: z.string().nullable().openapi({ description: 'what stock is short (backorder), or what to fix (held)' }),
          since: Time,
        }),
      ).openapi({ description: 'the longest-waiting first, at most 200' }),
    }),
    people: z.array(
      z.object({
        username: z.string(),
        activity: z.enum(['pick', 'pack']),
        units: z.number(),
        tasks: z.number().openapi({ description: 'pick tasks finished, or parcels labelled' }),
        firstAt: Time,
        lastAt: Time,
        unitsPerHour: z.number().openapi({ description: 'units / hours from first to last action (at least a quarter hour), rounded' }),
      }),
    ),
    failedPrints: z.object({
      total: z.number(),
      items: z.array(
        z.object({
          id: z.number(),
          kind: z.string(),
          printerName: z.string(),
          parcelId: z.number().nullable(),
          waybillNo: z.string().nullable(),
          problem: z.string().nullable(),
          error: z.string().nullable(),
          attempts: z.number(),
          updatedAt: Time,
        }),
      ),
    }),
    failedJobs: z.object({
      total: z.number(),
      items: z.array(
        z.object({ id: z.number(), type: z.string(), attempts: z.number(), maxAttempts: z.number(), lastError: z.string().nullable(), createdAt: Time, failedAt: Time }),
      ),
    }),
  })
  .openapi('Floor');

export function floorRoutes(ctx: AppContext, registry: OpenAPIRegistry): Router {
  const r = Router();
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/floor',
    summary: "The supervisor's floor today: orders by status, carriers against their cut-off, waves in progress, backorders, units per person, failed prints and jobs",
    tag: 'floor',
    roles: SUPERVISE,
    response: { status: 200, description: 'One snapshot; cheap enough to poll every 10 s', schema: Floor },
    handler: async ({ res }) => {
      res.setHeader('Cache-Control', 'no-store');
      return { body: await floorSnapshot(ctx) };
    },
  });
  return r;
}
