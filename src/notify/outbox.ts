/**
 * The transactional outbox (RELIABILITY.md §7.2, invariants 2 and 5): inside the transaction that made the
 * change, each topic event is matched against the live subscriptions of its topic (filters evaluated on the
 * transaction's view, rosters included), and for each match a `notify_delivery` row is written with the
 * subscription's next event number. Numbers are allocated by incrementing `notify_counter.event_count`
 * in the same transaction — row locks taken in subscription-id order, so concurrent writers serialise per
 * subscription without deadlocking — hence gap-free, monotonic and durable: a rolled-back write allocates
 * nothing, and a subscription committed after the event never sees it.
 */
import { randomUUID } from 'node:crypto';
import type { Group } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import type { SqlClient } from '../store/db.ts';
import type { FhirStore } from '../store/fhir-store.ts';
import type { SearchParamRegistry } from '../store/search-parameters.ts';
import type { TopicEvent } from './detect-events.ts';
import { type FilterContext, matchesFilters } from './filters.ts';
import { type SubscriptionRow, subscriptionsOf } from './subscription-table.ts';

export interface OutboxDeps {
  registry: SearchParamRegistry;
  baseUrl: string;
  now: Date;
}

export interface OutboxResult {
  /** Delivery rows written, per topic canonical. */
  deliveries: Map<string, number>;
}

interface Match {
  event: TopicEvent;
  eventIndex: number;
  subscription: SubscriptionRow;
}

/** Writes the outbox rows of `events`; returns how many deliveries each topic got. */
export async function writeOutbox(tx: SqlClient, store: FhirStore, events: readonly TopicEvent[], deps: OutboxDeps): Promise<OutboxResult> {
  const result: OutboxResult = { deliveries: new Map() };
  const subscriptions = await subscriptionsOf(tx, [...new Set(events.map((e) => e.topic.url))], deps.now);
  if (subscriptions.length === 0) return result;
  const groups = new Map<string, Promise<Group | undefined>>();
  const ctx: FilterContext = {
    registry: deps.registry,
    baseUrl: deps.baseUrl,
    at: deps.now,
    readGroup: (id) => {
      let found = groups.get(id);
      if (!found) groups.set(id, (found = store.find('Group', id).then((g) => g as Group | undefined)));
      return found;
    },
  };
  const matches: Match[] = [];
  for (const [eventIndex, event] of events.entries()) {
    for (const subscription of subscriptions) {
      if (subscription.topic !== event.topic.url) continue;
      if (await matchesFilters(subscription.filters, event, ctx)) matches.push({ event, eventIndex, subscription });
    }
  }
  if (matches.length === 0) return result;
  const eventIds = await insertEvents(tx, events, new Set(matches.map((m) => m.eventIndex)), deps.now);
  const bySubscription = new Map<string, Match[]>();
  for (const match of matches) bySubscription.set(match.subscription.id, [...(bySubscription.get(match.subscription.id) ?? []), match]);
  const rows = { sub: [] as string[], num: [] as number[], event: [] as number[], bundle: [] as string[], corrects: [] as (number | null)[], patient: [] as (string | null)[] };
  const ids = [...bySubscription.keys()].sort();
  const counts = await allocateEventNumbers(tx, ids.map((id) => ({ id, count: (bySubscription.get(id) as Match[]).length })));
  for (const id of ids) {
    const list = bySubscription.get(id) as Match[];
    const total = counts.get(id);
    // Every subscription row is created with its counter (subscription-table.ts); numbering without one could reuse numbers.
    if (total === undefined) throw new GatewayError('NTF-NO-COUNTER', 'fault', `Subscription ${id} has no event counter`);
    let number = total - list.length;
    for (const match of list) {
      number++;
      rows.sub.push(id);
      rows.num.push(number);
      rows.event.push(eventIds.get(match.eventIndex) as number);
      rows.bundle.push(randomUUID());
      rows.corrects.push(match.event.correction ? await correctedNumber(tx, id, match.event) : null);
      rows.patient.push(match.event.patientId ?? null);
      result.deliveries.set(match.event.topic.url, (result.deliveries.get(match.event.topic.url) ?? 0) + 1);
    }
  }
  await tx.query(
    `insert into notify_delivery (subscription_id, event_number, event_id, state, bundle_id, corrects, patient_id, next_attempt_at, created_at)
     select s, n, e, 'pending', b, c, p, $7, $7 from unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::text[]) as x(s, n, e, b, c, p)`,
    [rows.sub, rows.num, rows.event, rows.bundle, rows.corrects, rows.patient, deps.now.toISOString()],
  );
  return result;
}

async function insertEvents(tx: SqlClient, events: readonly TopicEvent[], used: ReadonlySet<number>, now: Date): Promise<Map<number, number>> {
  const ids = new Map<number, number>();
  for (const index of [...used].sort((a, b) => a - b)) {
    const event = events[index] as TopicEvent;
    const rows = await tx.query<{ id: number }>(
      `insert into notify_event (topic, kind, focus_type, focus_id, focus_version, patient_id, occurred_at)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [event.topic.url, event.correction ?? 'event', event.focus.resourceType, event.focus.id ?? '', event.focusVersion, event.patientId ?? null, now.toISOString()],
    );
    ids.set(index, rows[0]?.id as number);
  }
  return ids;
}

/** The number of the latest plain event about the same focus on the same topic that this correction corrects. */
async function correctedNumber(tx: SqlClient, subscriptionId: string, event: TopicEvent): Promise<number | null> {
  const rows = await tx.query<{ n: number | null }>(
    `select max(d.event_number) as n from notify_delivery d join notify_event e on e.id = d.event_id
     where d.subscription_id = $1 and e.topic = $2 and e.kind = 'event' and e.focus_type = $3 and e.focus_id = $4`,
    [subscriptionId, event.topic.url, event.focus.resourceType, event.focus.id ?? ''],
  );
  return rows[0]?.n ?? null;
}

/**
 * Adds `count` to each subscription's event counter and returns the new totals. The rows are locked first, in
 * subscription-id order, as every writer locks them, so concurrent writers queue instead of deadlocking.
 */
async function allocateEventNumbers(tx: SqlClient, allocations: readonly { id: string; count: number }[]): Promise<Map<string, number>> {
  const ids = allocations.map((a) => a.id);
  await tx.query('select subscription_id from notify_counter where subscription_id = any($1::text[]) order by subscription_id for update', [ids]);
  const rows = await tx.query<{ id: string; event_count: number }>(
    `update notify_counter c set event_count = c.event_count + x.n from unnest($1::text[], $2::int[]) as x(id, n)
     where c.subscription_id = x.id returning c.subscription_id as id, c.event_count`,
    [ids, allocations.map((a) => a.count)],
  );
  return new Map(rows.map((row) => [row.id, row.event_count]));
}
