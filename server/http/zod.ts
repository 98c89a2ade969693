import { z } from 'zod';
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';

// Once per process, before any schema calls .openapi().
extendZodWithOpenApi(z);

export { z };

/** An integer id in a path, query or body; numeric strings are accepted from forms and CSV. */
export const Id = z.coerce.number().int().positive();

export const Temperature = z.enum(['ambient', 'chilled', 'frozen']).openapi('Temperature');
export type Temperature = z.infer<typeof Temperature>;

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).optional().openapi({ description: 'default 50, at most 500' }),
  cursor: z.string().max(200).optional(),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.record(z.string(), z.unknown())),
    }),
  })
  .openapi('Error');
