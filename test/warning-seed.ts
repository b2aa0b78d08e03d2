/**
 * Warnings written straight into Postgres, for tests that need warnings of given regions without
 * running the rules: one R13 (debt limit) row each, under one test run.
 */
import type { Postgres } from '../server/core/pg.ts';
import { RULES } from '../server/warnings/rules.ts';
import * as warningsRepo from '../server/warnings/warnings.repository.ts';

/** Registers the rules and opens the run the warnings are attributed to. */
export async function startTestRun(pg: Postgres): Promise<string> {
  await warningsRepo.syncRules(pg.db, RULES);
  return warningsRepo.startRun(pg.db, 'test', null, ['R13']);
}

/** Inserts one warning and returns its id. */
export async function insertTestWarning(
  pg: Postgres,
  w: { runId: string; fingerprint: string; region: string; subjectId: string; subjectName?: string },
): Promise<string> {
  const r = await pg.withConnection((tx) =>
    tx.query<{ id: string }>(
      `INSERT INTO warning (fingerprint, rule_id, area, region_code, subject_type, subject_id, subject_name, period, value, unit, threshold,
         band, severity, message_zh, message_en, evidence, params, first_run_id, last_run_id)
       VALUES ($1, 'R13', 'debt', $2, 'debt_type', $3, $4, '2026', '101.00', 'percent', '100', 'red', 'high', 'x', 'x', '{}', '{}', $5, $5)
       RETURNING id`,
      [w.fingerprint, w.region, w.subjectId, w.subjectName ?? 'x', w.runId],
    ),
  );
  return r.rows[0]!.id;
}
