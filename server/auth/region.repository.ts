/** The region hierarchy as seen by access control. */
import { sql } from 'kysely';
import type { AuthDb } from './auth.db.ts';

/**
 * The region and every region below it (city → its districts; province → cities → districts),
 * following `region.parent_code`. A code that is not (yet) in `region` yields only itself: the
 * user sees their own code and nothing else, never everything.
 */
export async function loadRegionScope(db: AuthDb, regionCode: string): Promise<string[]> {
  const r = await sql<{ code: string }>`
    WITH RECURSIVE scope (code, depth) AS (
      SELECT ${regionCode}::char(6), 0
      UNION
      SELECT r.code, s.depth + 1 FROM region r JOIN scope s ON r.parent_code = s.code
       WHERE s.depth < 4
    )
    SELECT DISTINCT code FROM scope ORDER BY code`.execute(db);
  return r.rows.map((x) => x.code);
}
