/**
 * Ajv (8.x) coerces the query-string values "Infinity", "-Infinity" and numerals too long for a
 * double (400 nines) to ±Infinity, and then skips `minimum`/`maximum`, which it checks only for
 * finite numbers: `?page=Infinity` or `?year=Infinity` got past the schemas and failed in the SQL
 * or in the response serializer, as 500s. This hook runs after validation and refuses a number
 * that is not finite anywhere in the validated params, query or body with the 400 of validation.
 */
import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors.ts';

/** Call before registering the routes (hooks apply to the routes registered after them). */
export function installFiniteNumbers(app: FastifyInstance): void {
  app.addHook('preHandler', async (req) => {
    for (const [part, value] of [
      ['params', req.params],
      ['querystring', req.query],
      ['body', req.body],
    ] as const) {
      const where = nonFinite(value, part, 0);
      if (where) throw new HttpError(400, 'validation', `${where} must be a finite number / ${where} 须为有限数值`);
    }
  });
}

/** The path of the first non-finite number in a validated value (schemas nest a few levels, not 32). */
function nonFinite(v: unknown, path: string, depth: number): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : path;
  if (depth >= 32 || v === null || typeof v !== 'object') return undefined;
  for (const [k, x] of Object.entries(v)) {
    const found = nonFinite(x, `${path}/${k}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}
