/**
 * `Subscription/{id}/$status` and `Subscription/$status?id=…&status=…` (backport IG OperationDefinition
 * backport-subscription-status, SPECS.md §b2): a searchset Bundle with one `backport-subscription-status-r4`
 * Parameters (type `query-status`) per Subscription the caller owns: status, topic, the durable
 * events-since-subscription-start (the last event number allocated), the error, and — an open-slice
 * parameter `carebridge-delivery` — the delivery counts, the next retry and the latest attempts, so a
 * failing subscriber is never invisible (SPECS.md pain point 5).
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, ParametersParameter, Subscription } from 'fhir/r4.js';
import type { Handler } from '../../api/types.ts';
import { idOf } from '../../api/request.ts';
import type { SqlClient } from '../../store/db.ts';
import { notFound } from '../../store/pg-store.ts';
import type { SearchQuery } from '../../store/search/query.ts';
import { CAREBRIDGE_URL } from '../constants.ts';
import { buildStatusParameters } from '../notification-bundle.ts';
import { type SubscriptionRow, readSubscriptionRow } from '../subscription-table.ts';

export const statusOperation: Handler = async (request, deps) => {
  let subscriptions: Subscription[];
  if (request.path.length === 3) {
    const id = idOf(request);
    const found = (await deps.store.find('Subscription', id)) as Subscription | undefined;
    if (!found) throw notFound('Subscription', id);
    subscriptions = [found];
  } else {
    const ids = [...request.query, ...bodyParameters(request.body)].filter(([k]) => k === 'id').map(([, v]) => v);
    const statuses = [...request.query, ...bodyParameters(request.body)].filter(([k]) => k === 'status').map(([, v]) => v);
    const query: SearchQuery = { resourceType: 'Subscription', filters: [], sort: [], count: 1000, offset: 0, include: [], revinclude: [], total: 'none' };
    if (ids.length > 0) query.filters.push({ code: '_id', type: 'id', values: ids.flatMap((v) => v.split(',')) });
    if (statuses.length > 0) query.filters.push({ code: 'status', type: 'token', values: statuses.flatMap((v) => v.split(',')) });
    subscriptions = (await deps.store.search(query)).entries.map((e) => e.resource as Subscription);
  }
  const entry = [];
  for (const subscription of subscriptions) {
    const row = await readSubscriptionRow(deps.store.sql, subscription.id ?? '');
    const parameters = buildStatusParameters({
      id: randomUUID(),
      fhirBase: deps.fhirBase,
      subscriptionId: subscription.id ?? '',
      topic: subscription.criteria,
      status: subscription.status,
      type: 'query-status',
      eventsSinceStart: row?.event_count ?? 0,
      ...(row?.error_text && subscription.status === 'error' ? { errors: [{ coding: [{ system: CAREBRIDGE_URL.subscriptionError, code: row.error_code ?? 'error' }], text: row.error_text }] } : {}),
      extra: row ? [await deliveryParameter(deps.store.sql, row)] : [],
    });
    entry.push({ fullUrl: `urn:uuid:${parameters.id}`, resource: parameters, search: { mode: 'match' as const } });
  }
  const bundle: Bundle = { resourceType: 'Bundle', id: randomUUID(), type: 'searchset', timestamp: deps.clock.now().toISOString(), total: entry.length, entry };
  return { status: 200, body: bundle };
};

async function deliveryParameter(sql: SqlClient, row: SubscriptionRow): Promise<ParametersParameter> {
  const counts = await sql.query<{ state: string; n: number }>('select state, count(*)::int as n from notify_delivery where subscription_id = $1 group by state', [row.id]);
  const count = (state: string) => counts.find((c) => c.state === state)?.n ?? 0;
  const head = await sql.query<{ next_attempt_at: Date; event_number: number }>(
    "select next_attempt_at, event_number from notify_delivery where subscription_id = $1 and state = 'pending' order by event_number limit 1",
    [row.id],
  );
  const attempts = await sql.query<{ kind: string; event_number: number | null; attempted_at: Date; http_status: number | null; outcome: string; error: string | null; duration_ms: number }>(
    'select kind, event_number, attempted_at, http_status, outcome, error, duration_ms from notify_attempt where subscription_id = $1 order by id desc limit 10',
    [row.id],
  );
  const part: ParametersParameter[] = [
    { name: 'pending', valueInteger: count('pending') },
    { name: 'delivered', valueInteger: count('delivered') },
    { name: 'suppressed', valueInteger: count('suppressed') },
    { name: 'dead-letter', valueInteger: count('dead') },
    { name: 'deliverable', valueBoolean: row.deliverable },
  ];
  const first = head[0];
  if (first) part.push({ name: 'next-event-number', valueString: String(first.event_number) }, { name: 'next-attempt', valueInstant: new Date(first.next_attempt_at).toISOString() });
  for (const attempt of attempts) {
    const detail: ParametersParameter[] = [
      { name: 'kind', valueCode: attempt.kind },
      { name: 'at', valueInstant: new Date(attempt.attempted_at).toISOString() },
      { name: 'outcome', valueCode: attempt.outcome },
      { name: 'duration-ms', valueInteger: attempt.duration_ms },
    ];
    if (attempt.event_number !== null) detail.push({ name: 'event-number', valueString: String(attempt.event_number) });
    if (attempt.http_status !== null) detail.push({ name: 'http-status', valueInteger: attempt.http_status });
    if (attempt.error) detail.push({ name: 'error', valueString: attempt.error });
    part.push({ name: 'attempt', part: detail });
  }
  return { name: 'carebridge-delivery', part };
}

/** Operation parameters sent as a Parameters body (POST). */
export function bodyParameters(body: unknown): [string, string][] {
  const parameters = (body as { resourceType?: string; parameter?: { name?: string; valueString?: string; valueCode?: string; valueId?: string; valueInteger?: number }[] } | undefined);
  if (parameters?.resourceType !== 'Parameters') return [];
  return (parameters.parameter ?? []).flatMap((p) => {
    const value = p.valueString ?? p.valueCode ?? p.valueId ?? (p.valueInteger !== undefined ? String(p.valueInteger) : undefined);
    return p.name && value !== undefined ? [[p.name, value] as [string, string]] : [];
  });
}
