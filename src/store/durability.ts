/**
 * Refuses to run on a PostgreSQL that could lose acknowledged writes (RELIABILITY.md §7.1, case 55): an AA
 * or a 2xx is an external action that relies on the commit surviving a crash.
 */
import { GatewayError } from '../shared/errors.ts';
import type { Database } from './db.ts';

const REQUIRED: Record<string, string[]> = {
  fsync: ['on'],
  synchronous_commit: ['on', 'remote_apply', 'remote_write'],
  full_page_writes: ['on'],
};

export async function checkDurability(db: Database): Promise<void> {
  if (db.engine !== 'postgres') return; // PGlite commits through the host file system with its own flush.
  for (const [setting, allowed] of Object.entries(REQUIRED)) {
    const rows = await db.query<{ value: string }>('select current_setting($1) as value', [setting]);
    const value = rows[0]?.value ?? '';
    if (!allowed.includes(value)) {
      throw new GatewayError('STO-UNSAFE-DURABILITY', 'fault', `PostgreSQL ${setting}=${value} can lose acknowledged writes; refusing to start`);
    }
  }
}
