/**
 * Writes what happened to batches of events of one or more queues in one transaction: each delivery row's new
 * state (delivered, suppressed, dead, or still pending with its next attempt, keeping the Bundle that failed
 * for its retries), the attempt log `notify_attempt`
 * (shown by `$status`), the AuditEvents, and any change to a subscription's status. Written after the sends:
 * a crash before this commit leaves the rows pending and they are sent again with the same event number and
 * bundle id (at-least-once), and audited then.
 */
import type { AuditEvent } from 'fhir/r4.js';
import type { FhirStore } from '../store/fhir-store.ts';
import type { PendingDelivery } from './claim.ts';
import { type StatusChange, applyStatusChange } from './subscription-status.ts';

export type OutcomeKind = 'delivered' | 'failed' | 'stopped' | 'suppressed' | 'dead';

export interface DeliveryOutcome {
  row: PendingDelivery;
  kind: OutcomeKind;
  attemptedAt: Date;
  /** False for a suppression: nothing was sent. */
  sent: boolean;
  durationMs: number;
  httpStatus?: number;
  error?: string;
  nextAttemptAt?: Date;
  /** The Bundle sent, kept for the retries of an attempt that failed (the first time only). */
  bundle?: string;
  audit: AuditEvent[];
}

export interface AttemptLog {
  subscriptionId: string;
  eventNumber: number | null;
  kind: 'event' | 'handshake' | 'heartbeat';
  attemptedAt: Date;
  durationMs: number;
  httpStatus?: number;
  outcome: string;
  error?: string;
}

/** One queue's batch: what happened to its events, and the status change it led to. */
export interface QueueOutcomes {
  subscriptionId: string;
  outcomes: readonly DeliveryOutcome[];
  change?: StatusChange;
}

export async function recordOutcomes(store: FhirStore, queues: readonly QueueOutcomes[], now: Date): Promise<void> {
  const rows = queues.flatMap((queue) => queue.outcomes.map((outcome) => ({ subscriptionId: queue.subscriptionId, outcome })));
  const changes = queues.filter((queue) => queue.change !== undefined);
  if (rows.length === 0 && changes.length === 0) return;
  await store.transaction(async (tx) => {
    if (changes.length > 0) {
      // Status changes update rows one by one: lock every row this transaction touches first, in id order.
      const ids = [...new Set(queues.map((queue) => queue.subscriptionId))];
      await tx.sql.query('select id from notify_subscription where id = any($1::text[]) order by id for update', [ids]);
    }
    if (rows.length > 0) {
      await tx.sql.query(
        `update notify_delivery d set state = x.state, attempts = d.attempts + x.inc, last_attempt_at = coalesce(x.at, d.last_attempt_at),
           last_status = coalesce(x.status, d.last_status), last_error = x.err, next_attempt_at = coalesce(x.next, d.next_attempt_at),
           completed_at = case when x.state = 'pending' then null else $8::timestamptz end, bundle = coalesce(d.bundle, x.bundle)
         from unnest($1::text[], $2::bigint[], $3::text[], $4::int[], $5::timestamptz[], $6::int[], $7::text[], $9::timestamptz[], $10::text[])
           as x(sub, n, state, inc, at, status, err, next, bundle)
         where d.subscription_id = x.sub and d.event_number = x.n and d.state = 'pending'`,
        [
          rows.map((r) => r.subscriptionId),
          rows.map((r) => r.outcome.row.event_number),
          rows.map((r) => (r.outcome.kind === 'failed' || r.outcome.kind === 'stopped' ? 'pending' : r.outcome.kind)),
          rows.map((r) => (r.outcome.sent ? 1 : 0)),
          rows.map((r) => (r.outcome.sent ? r.outcome.attemptedAt.toISOString() : null)),
          rows.map((r) => r.outcome.httpStatus ?? null),
          rows.map((r) => r.outcome.error ?? null),
          now.toISOString(),
          rows.map((r) => r.outcome.nextAttemptAt?.toISOString() ?? null),
          rows.map((r) => r.outcome.bundle ?? null),
        ],
      );
      await insertAttempts(tx, rows.map(({ subscriptionId, outcome }) => ({
        subscriptionId,
        eventNumber: outcome.row.event_number,
        kind: 'event' as const,
        attemptedAt: outcome.attemptedAt,
        durationMs: outcome.durationMs,
        ...(outcome.httpStatus !== undefined ? { httpStatus: outcome.httpStatus } : {}),
        outcome: outcome.kind,
        ...(outcome.error ? { error: outcome.error } : {}),
      })));
      const audits = rows.flatMap((r) => r.outcome.audit);
      if (audits.length > 0) await tx.createMany(audits);
      // Heartbeats are due after a period with nothing delivered: only a delivery resets that clock (to the
      // second, which is all a heartbeat period needs; rows locked in id order like every multi-row writer).
      const delivered = queues.filter((queue) => queue.outcomes.some((o) => o.kind === 'delivered')).map((queue) => queue.subscriptionId);
      if (delivered.length > 0) {
        await tx.sql.query(
          `update notify_subscription set last_sent_at = $2
           where id in (select id from notify_subscription where id = any($1::text[]) and (last_sent_at is null or last_sent_at < $2::timestamptz - interval '1 second')
                        order by id for update)`,
          [delivered, now.toISOString()],
        );
      }
    }
    for (const queue of [...changes].sort((a, b) => a.subscriptionId.localeCompare(b.subscriptionId))) await applyStatusChange(tx, queue.subscriptionId, queue.change as StatusChange, now);
  });
}

export async function insertAttempts(store: FhirStore, attempts: readonly AttemptLog[]): Promise<void> {
  if (attempts.length === 0) return;
  await store.sql.query(
    `insert into notify_attempt (subscription_id, event_number, kind, attempted_at, duration_ms, http_status, outcome, error)
     select * from unnest($1::text[], $2::bigint[], $3::text[], $4::timestamptz[], $5::int[], $6::int[], $7::text[], $8::text[])`,
    [
      attempts.map((a) => a.subscriptionId),
      attempts.map((a) => a.eventNumber),
      attempts.map((a) => a.kind),
      attempts.map((a) => a.attemptedAt.toISOString()),
      attempts.map((a) => a.durationMs),
      attempts.map((a) => a.httpStatus ?? null),
      attempts.map((a) => a.outcome),
      attempts.map((a) => a.error ?? null),
    ],
  );
}
