/**
 * How delivery workers — in one process or in several gateway instances on one database — share the work
 * (DESIGN.md §4, RELIABILITY.md §7.2). A worker claims whole subscription queues, not single rows: `FOR UPDATE
 * SKIP LOCKED` picks queues no one else is locking, and a lease (owner + expiry, in the row) keeps them its
 * own while it sends outside any transaction. A crashed worker's lease simply expires and another instance
 * takes the queue over; nothing is lost, and what was in flight is sent again (at-least-once). One claimer
 * per queue keeps each subscription's events in event-number order (RELIABILITY.md case 50).
 */
import type { SqlClient } from '../store/db.ts';
import type { EventRecord } from './event-content.ts';
import type { SubscriptionRow } from './subscription-table.ts';

/** Queues whose oldest pending event is due, skipping origins this instance has saturated and queues it is working. */
export async function claimQueues(sql: SqlClient, owner: string, now: Date, leaseUntil: Date, limit: number, busyOrigins: readonly string[], working: readonly string[]): Promise<SubscriptionRow[]> {
  if (limit <= 0) return [];
  return sql.query<SubscriptionRow>(
    `update notify_subscription s set lease_owner = $1, lease_until = $3
     where s.id in (
       select q.id from notify_subscription q
       cross join lateral (select d.next_attempt_at from notify_delivery d where d.subscription_id = q.id and d.state = 'pending'
                           order by d.event_number limit 1) head
       where q.deliverable and not q.deleted and q.status in ('active', 'error') and (q.lease_until is null or q.lease_until < $2)
         and head.next_attempt_at <= $2 and not (q.endpoint_origin = any($5::text[])) and not (q.id = any($6::text[]))
       order by head.next_attempt_at
       limit $4
       for update of q skip locked)
     returning s.*, (select c.event_count from notify_counter c where c.subscription_id = s.id) as event_count`,
    [owner, now.toISOString(), leaseUntil.toISOString(), limit, [...busyOrigins], [...working]],
  );
}

/** Subscriptions waiting for their handshake (not those this instance is working). */
export async function claimHandshakes(sql: SqlClient, owner: string, now: Date, leaseUntil: Date, limit: number, working: readonly string[]): Promise<SubscriptionRow[]> {
  if (limit <= 0) return [];
  return sql.query<SubscriptionRow>(
    `update notify_subscription s set lease_owner = $1, lease_until = $3
     where s.id in (
       select q.id from notify_subscription q
       where q.status = 'requested' and not q.deleted and q.handshake_due_at <= $2 and (q.lease_until is null or q.lease_until < $2)
         and not (q.id = any($5::text[]))
       order by q.handshake_due_at limit $4
       for update of q skip locked)
     returning s.*, (select c.event_count from notify_counter c where c.subscription_id = s.id) as event_count`,
    [owner, now.toISOString(), leaseUntil.toISOString(), limit, [...working]],
  );
}

/** Idle subscriptions whose heartbeat is due; the claim moves `last_sent_at` so no one else sends it. */
export async function claimHeartbeats(sql: SqlClient, now: Date, limit: number): Promise<SubscriptionRow[]> {
  return sql.query<SubscriptionRow>(
    `update notify_subscription s set last_sent_at = $1
     where s.id in (
       select q.id from notify_subscription q
       where q.heartbeat_seconds is not null and q.deliverable and not q.deleted and q.status in ('active', 'error')
         and q.channel = 'rest-hook' and (q.lease_until is null or q.lease_until < $1)
         and (q.last_sent_at is null or q.last_sent_at + make_interval(secs => q.heartbeat_seconds) <= $1)
       limit $2
       for update of q skip locked)
     returning s.*, (select c.event_count from notify_counter c where c.subscription_id = s.id) as event_count`,
    [now.toISOString(), limit],
  );
}

export async function renewLease(sql: SqlClient, id: string, owner: string, until: Date): Promise<boolean> {
  return (await sql.query('update notify_subscription set lease_until = $3 where id = $1 and lease_owner = $2 returning id', [id, owner, until.toISOString()])).length > 0;
}

export async function releaseLease(sql: SqlClient, id: string, owner: string): Promise<void> {
  await releaseLeases(sql, [id], owner);
}

/** Ends this owner's leases of `ids` (rows locked in id order, as every multi-row writer of the table locks them). */
export async function releaseLeases(sql: SqlClient, ids: readonly string[], owner: string): Promise<void> {
  await sql.query(
    `update notify_subscription set lease_owner = null, lease_until = null
     where id in (select id from notify_subscription where id = any($1::text[]) order by id for update) and lease_owner = $2`,
    [[...ids], owner],
  );
}

export interface PendingDelivery extends EventRecord {
  subscription_id: string;
  event_number: number;
  event_id: number;
  corrects: number | null;
  bundle_id: string;
  bundle: unknown;
  attempts: number;
  next_attempt_at: Date;
  created_at: Date;
}

/** The oldest pending events of each queue, in event-number order, at most `limit` per queue. */
export async function pendingDeliveries(sql: SqlClient, subscriptionIds: readonly string[], limit: number): Promise<Map<string, PendingDelivery[]>> {
  const rows = await sql.query<PendingDelivery>(
    `select d.subscription_id, d.event_number, d.event_id, d.corrects, d.bundle_id, d.bundle, d.attempts, d.next_attempt_at, d.created_at,
            e.id, e.topic, e.kind, e.focus_type, e.focus_id, e.focus_version, e.patient_id, e.occurred_at
     from unnest($1::text[]) as q(id)
     cross join lateral (select * from notify_delivery d where d.subscription_id = q.id and d.state = 'pending' order by d.event_number limit $2) d
     join notify_event e on e.id = d.event_id
     order by d.subscription_id, d.event_number`,
    [[...subscriptionIds], limit],
  );
  const byQueue = new Map<string, PendingDelivery[]>(subscriptionIds.map((id) => [id, []]));
  for (const row of rows) byQueue.get(row.subscription_id)?.push(row);
  return byQueue;
}
