/**
 * The notification stage as a gateway module (src/app-module.ts): FHIR Subscriptions (R5 Backport for R4,
 * SPECS.md §b2) and Da Vinci unsolicited notifications (§b1) over a transactional outbox with reliable,
 * SSRF-guarded rest-hook delivery (RELIABILITY.md §5, §7, cases 45–54). Contributes the outbox write
 * listener, the Subscription interactions and `$status`/`$events`, the ownership-and-masking disclosure
 * policy, CapabilityStatement entries, and the delivery worker. See src/notify/README.md.
 */
import type { GatewayModule, ModuleContext } from '../app-module.ts';
import type { Route } from '../api/router.ts';
import type { OutboundPolicy } from '../shared/outbound-policy.ts';
import { addNotifyCapabilities } from './capability.ts';
import { type HttpSender, type Resolver, createHttpSender } from './channels/http-sender.ts';
import { createNotifyListener } from './listener.ts';
import { createNotifyMetrics } from './metrics.ts';
import { eventsOperation } from './operations/events.ts';
import { statusOperation } from './operations/status.ts';
import { type PgListener, startPgListener } from './pg-listen.ts';
import { subscriptionDisclosurePolicy } from './policy.ts';
import { seedTopics } from './seed-topics.ts';
import { subscriptionRoutes } from './subscription-routes.ts';
import { loadTopicCatalog } from './topics.ts';
import { createWakeSignal } from './wake.ts';
import { createWorker } from './worker.ts';

export interface NotifyModule extends GatewayModule {
  name: 'notify';
  /** Replaces DNS resolution for subscriber endpoints (tests simulate DNS answers, e.g. rebinding). */
  setResolver(resolver: Resolver): void;
  /** Wakes the delivery worker now (tests that move an injected clock). */
  wake(): void;
}

export function createNotifyModule(context: ModuleContext): NotifyModule {
  const { config, db, store, registry, clock, logger, metrics: appMetrics, clients, consent, fhirBase, gateway } = context;
  const settings = config.notify;
  const catalog = loadTopicCatalog(fhirBase);
  const policy: OutboundPolicy = { allowLoopbackHttp: settings.allowLoopback, allowedCidrs: config.outboundAllowedCidrs };
  const sender: HttpSender = createHttpSender(policy, settings.endpointConcurrency + 1);
  const wake = createWakeSignal(db.engine);
  const metrics = createNotifyMetrics(appMetrics.registry, async () => {
    const rows = await db.query<{ n: number }>("select count(*)::int as n from notify_delivery where state = 'pending'");
    return rows[0]?.n ?? 0;
  });
  const rules = { catalog, registry, defaultTimeoutMs: settings.timeoutMs, maxTimeoutMs: settings.maxTimeoutMs };
  const worker = createWorker(
    {
      db,
      store: store.as({ channel: 'system', activity: 'notification-delivery' }),
      registry,
      catalog,
      clients,
      consent,
      sender,
      metrics,
      clock,
      logger,
      config: settings,
      backoff: { baseMs: settings.retryBaseMs, maxDelayMs: settings.retryMaxDelayMs, horizonMs: settings.retryHorizonMs },
      baseUrl: config.baseUrl,
      fhirBase,
      gateway,
      version: context.apiDeps.version,
    },
    wake,
  );
  let listening: PgListener | undefined;
  const operation = (method: Route['method'], path: string[], name: string, handler: Route['handler']): Route => ({ method, path, resourceType: 'Subscription', interaction: 'operation', operation: name, requires: 'r', handler });
  return {
    name: 'notify',
    listeners: [createNotifyListener({ catalog, rules, registry, baseUrl: config.baseUrl, clock, metrics, wake, engine: db.engine })],
    routes: [
      operation('GET', [':type', ':id', '$status'], 'status', statusOperation),
      operation('POST', [':type', ':id', '$status'], 'status', statusOperation),
      operation('GET', [':type', '$status'], 'status', statusOperation),
      operation('POST', [':type', '$status'], 'status', statusOperation),
      operation('GET', [':type', ':id', '$events'], 'events', eventsOperation),
      operation('POST', [':type', ':id', '$events'], 'events', eventsOperation),
      ...subscriptionRoutes({ rules, policy, sender }),
    ],
    policies: (access) => [subscriptionDisclosurePolicy(access)],
    capability: (statement) => addNotifyCapabilities(statement, catalog),
    setResolver: (resolver) => sender.setResolver(resolver),
    wake: () => wake.wake(),
    async start() {
      await seedTopics(store, catalog);
      if (!settings.workers) return;
      if (db.engine === 'postgres' && config.databaseUrl) listening = startPgListener(config.databaseUrl, wake, logger);
      worker.start();
    },
    async stop() {
      await worker.stop();
      await listening?.close();
      sender.close();
    },
  };
}
