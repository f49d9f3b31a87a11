/**
 * Housekeeping, run periodically by one worker at a time (an advisory lock): events waiting on a subscription
 * that cannot be delivered to (handshake failed, stopped by a 401/404) are dead-lettered once past the retry
 * horizon, like any other; and delivered, suppressed, dead and cancelled events are kept for `$events` for
 * the retention period (NOTIFY_EVENT_RETENTION_DAYS, default 30 days — the backport IG lets a server limit
 * `$events` this way), then deleted with their attempt log.
 */
import type { Database } from '../store/db.ts';

const LOCK_KEY = 724_311_004;

export interface SweepResult {
  deadLettered: number;
  purged: number;
}

export async function sweepOutbox(db: Database, now: Date, horizonMs: number, retentionMs: number): Promise<SweepResult> {
  return db.transaction(async (tx) => {
    const locked = await tx.query<{ ok: boolean }>('select pg_try_advisory_xact_lock($1) as ok', [LOCK_KEY]);
    if (!locked[0]?.ok) return { deadLettered: 0, purged: 0 };
    const horizon = new Date(now.getTime() - horizonMs).toISOString();
    const dead = await tx.query<{ subscription_id: string }>(
      `update notify_delivery d set state = 'dead', completed_at = $1, last_error = 'undelivered after the retry horizon: dead letter'
       from notify_subscription s
       where s.id = d.subscription_id and d.state = 'pending' and d.created_at <= $2 and not (s.deliverable and s.status in ('active', 'error'))
       returning d.subscription_id`,
      [now.toISOString(), horizon],
    );
    const lost = [...new Set(dead.map((r) => r.subscription_id))];
    if (lost.length > 0) await tx.query('update notify_subscription set lost_events = true where id = any($1::text[])', [lost]);
    const cutoff = new Date(now.getTime() - retentionMs).toISOString();
    const purged = await tx.query(`delete from notify_delivery where state <> 'pending' and completed_at < $1 returning event_id`, [cutoff]);
    await tx.query('delete from notify_event e where e.occurred_at < $1 and not exists (select 1 from notify_delivery d where d.event_id = e.id)', [cutoff]);
    await tx.query('delete from notify_attempt where attempted_at < $1', [cutoff]);
    return { deadLettered: dead.length, purged: purged.length };
  });
}
