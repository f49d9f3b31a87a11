/**
 * The notification stage's write listener: runs in every writing transaction, after the earlier modules'
 * listeners (so the TCM Tasks they write are among the changes). It keeps `notify_subscription` in step with
 * Subscription writes — refusing REST writes of Subscriptions that did not go through the Subscription routes
 * (e.g. a POST inside a transaction Bundle, which would skip the mass-assignment and SSRF rules) — and turns
 * topic events into outbox rows. After it returns, the transaction commits; the worker is woken (in-process
 * at once, and through `pg_notify`, which PostgreSQL delivers only at commit).
 */
import type { Subscription } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import type { Clock } from '../shared/clock.ts';
import type { ResourceChange, WriteListener } from '../store/fhir-store.ts';
import type { SearchParamRegistry } from '../store/search-parameters.ts';
import { detectEvents } from './detect-events.ts';
import type { NotifyMetrics } from './metrics.ts';
import { writeOutbox } from './outbox.ts';
import type { RuleDeps } from './subscription-rules.ts';
import { readSecret, syncSubscription } from './subscription-table.ts';
import type { TopicCatalog } from './topics.ts';
import type { WakeSignal } from './wake.ts';

export interface ListenerDeps {
  catalog: TopicCatalog;
  rules: RuleDeps;
  registry: SearchParamRegistry;
  baseUrl: string;
  clock: Clock;
  metrics: NotifyMetrics;
  wake: WakeSignal;
  engine: 'postgres' | 'pglite';
}

export const NOTIFY_CHANNEL = 'carebridge_notify';

export function createNotifyListener(deps: ListenerDeps): WriteListener {
  return {
    async beforeCommit(tx, changes, store, actor) {
      if (!changes.some((c) => c.resourceType === 'Subscription' || deps.catalog.watches(c.resourceType))) return;
      const now = deps.clock.now();
      for (const [id, change] of lastChangePerSubscription(changes)) {
        const current = change.current as Subscription | undefined;
        if (current && actor?.channel === 'rest' && !(await readSecret(tx, id))?.sanctioned) {
          throw new GatewayError('NTF-WRITE-PATH', 'unprocessable', 'Subscriptions are created and changed with POST/PUT/PATCH on Subscription, not inside a transaction Bundle');
        }
        await syncSubscription(tx, id, current, deps.rules, now);
      }
      const events = detectEvents(changes, deps.catalog, deps.registry, deps.baseUrl);
      if (events.length === 0) return;
      const { deliveries } = await writeOutbox(tx, store, events, { registry: deps.registry, baseUrl: deps.baseUrl, now });
      for (const event of events) deps.metrics.events.inc({ topic: event.topic.name });
      if (deliveries.size === 0) return;
      if (deps.engine === 'postgres') await tx.query('select pg_notify($1, $2)', [NOTIFY_CHANNEL, 'outbox']);
      deps.wake.afterCommit();
    },
  };
}

function lastChangePerSubscription(changes: readonly ResourceChange[]): Map<string, ResourceChange> {
  const last = new Map<string, ResourceChange>();
  for (const change of changes) if (change.resourceType === 'Subscription') last.set(change.id, change);
  return last;
}
