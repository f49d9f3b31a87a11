/**
 * Writes what happened to a batch of one queue's events in one transaction: each delivery row's new state
 * (delivered, suppressed, dead, or still pending with its next attempt), the attempt log `notify_attempt`
 * (shown by `$status`), the AuditEvents, and any change to the subscription's status. Written after the
 * sends: a crash before this commit leaves the rows pending and they are sent again with the same event
 * number and bundle id (at-least-once), and audited then.
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

export async function recordOutcomes(store: FhirStore, subscriptionId: string, outcomes: readonly DeliveryOutcome[], change: StatusChange | undefined, now: Date): Promise<void> {
  if (outcomes.length === 0 && !change) return;
  await store.transaction(async (tx) => {
    if (outcomes.length > 0) {
      const state = outcomes.map((o) => (o.kind === 'failed' || o.kind === 'stopped' ? 'pending' : o.kind));
      await tx.sql.query(
        `update notify_delivery d set state = x.state, attempts = d.attempts + x.inc, last_attempt_at = coalesce(x.at, d.last_attempt_at),
           last_status = coalesce(x.status, d.last_status), last_error = x.err, next_attempt_at = coalesce(x.next, d.next_attempt_at),
           completed_at = case when x.state = 'pending' then null else $8::timestamptz end
         from unnest($2::bigint[], $3::text[], $4::int[], $5::timestamptz[], $6::int[], $7::text[], $9::timestamptz[]) as x(n, state, inc, at, status, err, next)
         where d.subscription_id = $1 and d.event_number = x.n and d.state = 'pending'`,
        [
          subscriptionId,
          outcomes.map((o) => o.row.event_number),
          state,
          outcomes.map((o) => (o.sent ? 1 : 0)),
          outcomes.map((o) => (o.sent ? o.attemptedAt.toISOString() : null)),
          outcomes.map((o) => o.httpStatus ?? null),
          outcomes.map((o) => o.error ?? null),
          now.toISOString(),
          outcomes.map((o) => o.nextAttemptAt?.toISOString() ?? null),
        ],
      );
      await insertAttempts(tx, outcomes.map((o) => ({
        subscriptionId,
        eventNumber: o.row.event_number,
        kind: 'event' as const,
        attemptedAt: o.attemptedAt,
        durationMs: o.durationMs,
        ...(o.httpStatus !== undefined ? { httpStatus: o.httpStatus } : {}),
        outcome: o.kind,
        ...(o.error ? { error: o.error } : {}),
      })));
      const audits = outcomes.flatMap((o) => o.audit);
      if (audits.length > 0) await tx.createMany(audits);
      // Heartbeats are due after a period with nothing delivered: only a delivery resets that clock.
      if (outcomes.some((o) => o.kind === 'delivered')) await tx.sql.query('update notify_subscription set last_sent_at = $2 where id = $1', [subscriptionId, now.toISOString()]);
    }
    if (change) await applyStatusChange(tx, subscriptionId, change, now);
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
