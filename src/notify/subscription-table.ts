/**
 * `notify_subscription`: the delivery view of each stored Subscription, kept in step with it by the write
 * listener inside the writing transaction (so any write path — REST, transaction entry, internal — updates
 * it), plus the write-only header values in `notify_secret`. Status transitions the listener applies:
 * `requested` schedules a handshake and stops delivery until it passes; `off` and delete cancel what is
 * pending. `active`/`error` are written by the workers, which also manage `deliverable`.
 */
import type { Subscription } from 'fhir/r4.js';
import type { SqlClient } from '../store/db.ts';
import type { ChannelHeader } from './headers.ts';
import { ownerOf } from './sanitize.ts';
import { type RuleDeps, readSubscriptionSpec } from './subscription-rules.ts';
import type { SubscriptionFilter } from './filters.ts';
import type { PayloadLevel } from './constants.ts';

export interface SubscriptionRow {
  id: string;
  owner_client: string;
  purpose: string;
  topic: string;
  status: Subscription['status'];
  channel: string;
  endpoint: string;
  endpoint_origin: string;
  content: PayloadLevel;
  mime: string;
  filters: SubscriptionFilter[];
  heartbeat_seconds: number | null;
  timeout_ms: number;
  max_count: number | null;
  deliverable: boolean;
  event_count: number;
  created_at: Date;
  error_code: string | null;
  error_text: string | null;
  lost_events: boolean;
}

/** Stores the header values and purpose of a REST write, marking this transaction as the sanctioned writer. */
export async function saveSecret(sql: SqlClient, id: string, headers: readonly ChannelHeader[], purpose: string): Promise<void> {
  await sql.query(
    `insert into notify_secret (subscription_id, headers, purpose, txid) values ($1, $2::jsonb, $3, txid_current())
     on conflict (subscription_id) do update set headers = excluded.headers, purpose = excluded.purpose, txid = excluded.txid`,
    [id, JSON.stringify(headers), purpose],
  );
}

export async function readSecret(sql: SqlClient, id: string): Promise<{ headers: ChannelHeader[]; purpose: string; sanctioned: boolean } | undefined> {
  const rows = await sql.query<{ headers: ChannelHeader[]; purpose: string; sanctioned: boolean }>(
    'select headers, purpose, txid = txid_current() as sanctioned from notify_secret where subscription_id = $1',
    [id],
  );
  return rows[0];
}

/** The channel headers of each subscription among `ids` (none where it has no secret row). */
export async function readHeaders(sql: SqlClient, ids: readonly string[]): Promise<Map<string, ChannelHeader[]>> {
  const rows = await sql.query<{ subscription_id: string; headers: ChannelHeader[] }>('select subscription_id, headers from notify_secret where subscription_id = any($1::text[])', [[...ids]]);
  return new Map(rows.map((row) => [row.subscription_id, row.headers]));
}

/** Brings `notify_subscription` in line with a stored Subscription (or its deletion), at `now`. */
export async function syncSubscription(sql: SqlClient, id: string, current: Subscription | undefined, deps: RuleDeps, now: Date): Promise<void> {
  if (!current) {
    await sql.query('update notify_subscription set deleted = true, deliverable = false, handshake_due_at = null where id = $1', [id]);
    await cancelPending(sql, id, now);
    return;
  }
  const spec = readSubscriptionSpec(current, deps);
  const secret = await readSecret(sql, id);
  const status = current.status;
  const values = [
    id, ownerOf(current) ?? '', secret?.purpose ?? '', spec.topic.url, status, spec.channel, spec.endpoint, new URL(spec.endpoint).origin, spec.content, spec.mime,
    JSON.stringify(spec.filters), spec.heartbeatSeconds ?? null, spec.timeoutMs, spec.maxCount ?? null, spec.end ?? null, now.toISOString(),
    status === 'requested' ? now.toISOString() : null,
  ];
  await sql.query(
    `insert into notify_subscription (id, owner_client, purpose, topic, status, channel, endpoint, endpoint_origin, content, mime, filters,
       heartbeat_seconds, timeout_ms, max_count, end_at, created_at, handshake_due_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14, $15, $16, $17)
     on conflict (id) do update set owner_client = excluded.owner_client, purpose = excluded.purpose, topic = excluded.topic,
       status = excluded.status, channel = excluded.channel, endpoint = excluded.endpoint, endpoint_origin = excluded.endpoint_origin,
       content = excluded.content, mime = excluded.mime, filters = excluded.filters, heartbeat_seconds = excluded.heartbeat_seconds,
       timeout_ms = excluded.timeout_ms, max_count = excluded.max_count, end_at = excluded.end_at, deleted = false,
       deliverable = case when excluded.status in ('requested', 'off') then false else notify_subscription.deliverable end,
       handshake_due_at = case when excluded.status = 'requested' then excluded.handshake_due_at
                               when excluded.status = 'off' then null else notify_subscription.handshake_due_at end,
       lost_events = case when excluded.status = 'requested' then false else notify_subscription.lost_events end`,
    values,
  );
  await sql.query('insert into notify_counter (subscription_id) values ($1) on conflict do nothing', [id]);
  if (status === 'off') await cancelPending(sql, id, now);
}

async function cancelPending(sql: SqlClient, id: string, now: Date): Promise<void> {
  await sql.query("update notify_delivery set state = 'cancelled', completed_at = $2 where subscription_id = $1 and state = 'pending'", [id, now.toISOString()]);
}

/** Live subscriptions of the given topics (not off, not deleted, not ended at `now`). */
export async function subscriptionsOf(sql: SqlClient, topics: readonly string[], now: Date): Promise<SubscriptionRow[]> {
  return sql.query<SubscriptionRow>(
    `select s.*, (select c.event_count from notify_counter c where c.subscription_id = s.id) as event_count from notify_subscription s
     where s.topic = any($1::text[]) and not s.deleted and s.status <> 'off' and (s.end_at is null or s.end_at > $2) order by s.id`,
    [[...topics], now.toISOString()],
  );
}

export async function readSubscriptionRow(sql: SqlClient, id: string): Promise<SubscriptionRow | undefined> {
  return (await sql.query<SubscriptionRow>('select s.*, (select c.event_count from notify_counter c where c.subscription_id = s.id) as event_count from notify_subscription s where s.id = $1 and not s.deleted', [id]))[0];
}
