import { afterEach, describe, expect, it } from 'vitest';
import { pgTargets } from '../../test/db.ts';
import type { Postgres } from '../core/pg.ts';
import { GENESIS_HASH, auditHash, canonicalJson, recordAudit, verifyAuditTrail } from './audit-trail.repository.ts';

const actor = { id: '1', username: 'analyst', role: 'analyst', regionCode: '990100' };

async function seed(pg: Postgres, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await pg.transaction((tx) =>
      recordAudit(tx, {
        action: i % 2 ? 'data.export' : 'rule.params',
        outcome: 'success',
        actor,
        objectType: 'warning',
        objectId: String(i),
        detail: { field: 'status', from: 'open', to: 'closed', comment: '已整改', n: i },
        at: new Date(Date.UTC(2026, 2, 1, 8, i)),
      }),
    );
  }
}

describe('canonical JSON', () => {
  it('sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: null }, '汉字'] })).toBe('{"a":[{"c":null,"d":1},"汉字"],"b":1}');
  });
});

describe.each(pgTargets())('audit trail on $name', (target) => {
  let pg: Postgres | undefined;
  afterEach(async () => {
    await pg?.close();
    pg = undefined;
  });

  it('chains rows from the genesis hash and verifies', async () => {
    pg = await target.open();
    await seed(pg, 5);
    const r = await verifyAuditTrail(pg, 2); // small pages cross page boundaries
    expect(r).toMatchObject({ ok: true, rows: 5 });
    const rows = await pg.withConnection((tx) =>
      tx.query<{ seq: string; prev_hash: string; hash: string }>('SELECT seq, prev_hash, hash FROM auth.audit_trail ORDER BY seq'),
    );
    expect(rows.rows[0]!.prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.rows.length; i++) expect(rows.rows[i]!.prev_hash).toBe(rows.rows[i - 1]!.hash);
    expect(r.head).toBe(rows.rows[4]!.hash);
  });

  it('stores a detail holding half a surrogate pair (which JSONB refuses) as U+FFFD, and still verifies', async () => {
    pg = await target.open();
    await pg.transaction((tx) =>
      recordAudit(tx, {
        action: 'data.export',
        outcome: 'success',
        actor,
        detail: { table: '\udfff\ud800表😀', filters: { ['k\ud800']: 'v' } },
      }),
    );
    const [row] = (await pg.withConnection((tx) => tx.query<{ detail: unknown }>('SELECT detail FROM auth.audit_trail'))).rows;
    expect(row!.detail).toEqual({ table: '\ufffd\ufffd表😀', filters: { 'k\ufffd': 'v' } });
    expect(await verifyAuditTrail(pg)).toMatchObject({ ok: true, rows: 1 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    pg = await target.open();
    await seed(pg, 2);
    const db = pg;
    await expect(db.withConnection((tx) => tx.query(`UPDATE auth.audit_trail SET outcome = 'failure' WHERE seq = 1`))).rejects.toThrow(
      /append-only/,
    );
    await expect(db.withConnection((tx) => tx.query(`DELETE FROM auth.audit_trail WHERE seq = 2`))).rejects.toThrow(/append-only/);
    await expect(db.withConnection((tx) => tx.query(`TRUNCATE auth.audit_trail`))).rejects.toThrow(/append-only/);
    expect((await verifyAuditTrail(db)).ok).toBe(true);
  });

  it('names the first row edited or removed behind the trigger', async () => {
    pg = await target.open();
    await seed(pg, 6);
    const db = pg;
    // What an attacker with owner rights could do: switch the trigger off, edit, switch it on.
    const behindItsBack = (sql: string) =>
      db.transaction(async (tx) => {
        await tx.query('ALTER TABLE auth.audit_trail DISABLE TRIGGER audit_trail_append_only');
        await tx.query(sql);
        await tx.query('ALTER TABLE auth.audit_trail ENABLE TRIGGER audit_trail_append_only');
      });
    await behindItsBack(`UPDATE auth.audit_trail SET detail = jsonb_set(detail, '{to}', '"open"') WHERE seq = 4`);
    expect(await verifyAuditTrail(db)).toMatchObject({ ok: false, firstBroken: { seq: '4', reason: 'hash_mismatch' } });

    // Recomputing the edited row's own hash does not help: the next row still names the old one.
    const r = (await db.withConnection((tx) => tx.query<Record<string, unknown>>('SELECT * FROM auth.audit_trail WHERE seq = 4'))).rows[0]!;
    const rehashed = auditHash({
      seq: r.seq as string,
      occurredAt: r.occurred_at as Date,
      userId: r.user_id as string,
      username: r.username as string,
      role: r.role as string,
      regionCode: r.region_code as string,
      action: r.action as string,
      objectType: r.object_type as string,
      objectId: r.object_id as string,
      outcome: r.outcome as 'success',
      detail: r.detail,
      ip: r.ip as string | null,
      prevHash: r.prev_hash as string,
    });
    await behindItsBack(`UPDATE auth.audit_trail SET hash = '${rehashed}' WHERE seq = 4`);
    expect(await verifyAuditTrail(db)).toMatchObject({ ok: false, firstBroken: { seq: '5', reason: 'prev_hash_mismatch' } });

    pg = undefined;
    await db.close();
    const fresh = await target.open();
    pg = fresh;
    await seed(fresh, 3);
    await fresh.transaction(async (tx) => {
      await tx.query('ALTER TABLE auth.audit_trail DISABLE TRIGGER audit_trail_append_only');
      await tx.query(`DELETE FROM auth.audit_trail WHERE seq = 2`);
      await tx.query('ALTER TABLE auth.audit_trail ENABLE TRIGGER audit_trail_append_only');
    });
    expect(await verifyAuditTrail(fresh)).toMatchObject({ ok: false, firstBroken: { seq: '3', reason: 'seq_gap' } });
  });

  it('keeps the chain linear under concurrent appends', async () => {
    pg = await target.open();
    const db = pg;
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        db.transaction((tx) =>
          recordAudit(tx, { action: 'data.load', outcome: 'success', actor, objectType: 'load_batch', objectId: String(i) }),
        ),
      ),
    );
    expect(await verifyAuditTrail(db)).toMatchObject({ ok: true, rows: 12 });
  });

  it('rolls the audit row back with the work it describes', async () => {
    pg = await target.open();
    const db = pg;
    await expect(
      db.transaction(async (tx) => {
        await recordAudit(tx, { action: 'rule.params', outcome: 'success', actor });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await seed(db, 1);
    expect(await verifyAuditTrail(db)).toMatchObject({ ok: true, rows: 1 });
  });

  if (target.name === 'server') {
    it('gives the application role INSERT and SELECT on the audit trail, not UPDATE or DELETE', async () => {
      pg = await target.open();
      await seed(pg, 1);
      const db = pg;
      const asApp = (sql: string) =>
        db.transaction(async (tx) => {
          await tx.query('SET LOCAL ROLE caijian_app');
          return tx.query(sql);
        });
      await expect(asApp('SELECT count(*) FROM auth.audit_trail')).resolves.toBeDefined();
      await expect(asApp(`UPDATE auth.audit_trail SET outcome = 'failure'`)).rejects.toThrow(/permission denied/);
      await expect(asApp(`DELETE FROM auth.audit_trail`)).rejects.toThrow(/permission denied/);
      await expect(asApp(`TRUNCATE auth.audit_trail`)).rejects.toThrow(/permission denied/);
      await expect(asApp(`ALTER TABLE auth.audit_trail DISABLE TRIGGER audit_trail_append_only`)).rejects.toThrow(/must be owner/);
      await db.transaction(async (tx) => {
        await tx.query('SET LOCAL ROLE caijian_app');
        await recordAudit(tx, { action: 'data.export', outcome: 'success', actor });
      });
      expect(await verifyAuditTrail(db)).toMatchObject({ ok: true, rows: 2 });
    });
  }
});
