/**
 * Postgres reads of the audit page: the recurring-finding chains (屡审屡犯) are the R15
 * warnings' evidence, written by the warning engine (server/warnings/recurring.service.ts). They
 * are read here, not recomputed, so the page and the warnings inbox always agree.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../core/db.types.ts';
import { warningsDb } from '../warnings/warnings.db.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** R15 warnings in the given regions that still fire (not resolved by newer data), red first. */
export async function listRecurringWarnings(db: Db, regions: string[]) {
  if (regions.length === 0) return [];
  return warningsDb(db)
    .selectFrom('warning')
    .select(['id', 'region_code', 'subject_id', 'subject_name', 'period', 'band', 'status', 'evidence'])
    .where('rule_id', '=', 'R15')
    .where('region_code', 'in', regions)
    .where('status', '<>', 'resolved_by_data')
    .orderBy((eb) => eb.case().when('band', '=', 'red').then(0).when('band', '=', 'orange').then(1).else(2).end())
    .orderBy('period', 'desc')
    .orderBy('subject_id')
    .execute();
}
