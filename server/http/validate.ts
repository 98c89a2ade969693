import type { z } from 'zod';
import { ErrorDetail, ValidationFailed } from './errors';

/** Turns zod issues into one detail per bad field, unknown keys included. */
export function issuesToDetails(issues: z.core.$ZodIssue[], prefix?: string): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const field = base ? `${base}.${key}` : key;
        details.push({ field, code: 'unknown_field', message: `unknown field "${field}"` });
      }
    } else {
      details.push({ field: base || (prefix ?? ''), code: issue.code, message: issue.message });
    }
  }
  return details;
}

export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const details = issuesToDetails(result.error.issues, where === 'body' ? undefined : where);
    throw new ValidationFailed(details, `Invalid ${where}: ${details.map((d) => d.field || where).join(', ')}`);
  }
  return result.data;
}

/** For bodies that name a thing one of several ways (a scanned barcode or a SKU code). */
export function requireOneOf(input: Record<string, unknown>, fields: string[], message: string): void {
  if (fields.some((f) => input[f] !== undefined && input[f] !== null && input[f] !== '')) return;
  throw new ValidationFailed([{ field: fields[0], code: 'required', message }]);
}
