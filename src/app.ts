/**
 * The composition root: builds every part of the gateway with explicit dependencies. Nothing in the code
 * base reaches for a global; each test builds its own app from here.
 */
import fs from 'node:fs';
import type { Express } from 'express';
import { createFhirApi, type FhirApi } from './api/routes.ts';
import { createCursorCodec } from './api/paging-cursor.ts';
import { loadSummaryTable } from './api/shape.ts';
import type { ApiDeps, ResourceValidator } from './api/types.ts';
import { type AuditTrail, createAuditTrail } from './audit/audit-trail.ts';
import { createWriteRecorder } from './audit/write-listeners.ts';
import { createAccessLayer } from './auth/access-layer.ts';
import { createTokenIssuer, type TokenIssuer } from './auth/access-token.ts';
import { createClientKeys } from './auth/client-keys.ts';
import { type ClientRegistry, createClientRegistry } from './auth/client-registry.ts';
import { loadGatewayKeys } from './auth/gateway-keys.ts';
import { createReplayGuard } from './auth/replay-guard.ts';
import { createResourceServer } from './auth/resource-server.ts';
import type { TokenServiceDeps } from './auth/token-service.ts';
import type { GatewayModule, ModuleContext } from './app-module.ts';
import type { GatewayConfig } from './config/index.ts';
import { createIngestModule } from './ingest/module.ts';
import { createBreakGlassRegistry } from './consent/break-glass.ts';
import { batchedConsentSource, createConsentSource } from './consent/consent-source.ts';
import { type ConsentEnforcementDeps } from './consent/enforce.ts';
import { loadConsentRules } from './consent/index.ts';
import { createLabeller } from './consent/labeller.ts';
import { type HttpParts, buildHttp } from './http.ts';
import { type Clock, systemClock } from './shared/clock.ts';
import { type Logger, createLogger } from './shared/logger.ts';
import { type Metrics, createMetrics } from './shared/metrics.ts';
import type { OutboundPolicy } from './shared/outbound-policy.ts';
import { projectPath } from './shared/paths.ts';
import { type SafeFetcher, createSafeFetcher } from './shared/safe-fetch.ts';
import { type Database, openPglite, openPostgres } from './store/db.ts';
import { createCareCoordinationModule } from './tcm/module.ts';
import { createNotifyModule } from './notify/module.ts';
import { checkDurability } from './store/durability.ts';
import type { FhirStore, WriteListener } from './store/fhir-store.ts';
import { migrate } from './store/migrate.ts';
import { createPgStore } from './store/pg-store.ts';
import { type SearchParamRegistry, loadSearchParamRegistry } from './store/search-parameters.ts';
import { createGatewayValidator } from './validation/gateway-validator.ts';

export interface AppOptions {
  /** An already-open database (tests); otherwise opened from the config. */
  db?: Database;
  clock?: Clock;
  logger?: Logger;
}

export interface App {
  config: GatewayConfig;
  db: Database;
  /** The ungated store: for ingest, demo loading and internal work, never handed to API handlers. */
  store: FhirStore;
  registry: SearchParamRegistry;
  validator: ResourceValidator;
  api: FhirApi;
  deps: ApiDeps;
  clients: ClientRegistry;
  tokens: TokenIssuer;
  audit: AuditTrail;
  logger: Logger;
  metrics: Metrics;
  http: Express;
  /** What `http` was assembled from (the access layer among them), for benchmarks that build variants of it. */
  httpParts: HttpParts;
  modules: GatewayModule[];
  close(): Promise<void>;
}

/** The stages built into the gateway, in order (their write listeners run in this order). */
const MODULES: ((context: ModuleContext) => GatewayModule)[] = [createCareCoordinationModule, createIngestModule, createNotifyModule];

export async function createApp(config: GatewayConfig, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const db = options.db ?? (await openDatabase(config));
  await checkDurability(db);
  await migrate(db);
  const registry = loadSearchParamRegistry();
  const validator = createGatewayValidator();
  const consentRules = loadConsentRules();
  const fhirBase = `${config.baseUrl}/fhir`;
  const gateway = { name: 'carebridge', url: fhirBase };
  const listeners: WriteListener[] = [createWriteRecorder({ clock, registry, baseUrl: config.baseUrl, gateway })];
  const store = createPgStore({
    db,
    registry,
    baseUrl: config.baseUrl,
    clock,
    maxIncludes: config.maxIncludes,
    prepare: createLabeller(consentRules, config.baseUrl),
    validate: (resource) => validator.assertValid(resource),
    listeners,
  });
  const audit = createAuditTrail(store);
  const metrics = createMetrics(() => db.poolStats());
  const deps: ApiDeps = {
    config,
    store,
    registry,
    validator,
    clock,
    cursors: createCursorCodec(config.cursorSecret, clock),
    summaryTable: loadSummaryTable(),
    fhirBase,
    version: readVersion(),
  };

  const outbound: OutboundPolicy = { allowLoopbackHttp: config.jwksAllowLoopback, allowedCidrs: config.outboundAllowedCidrs };
  const fetcher: SafeFetcher = createSafeFetcher(outbound);
  const clients = createClientRegistry(db);
  const keys = await loadGatewayKeys(db);
  const tokens = createTokenIssuer(keys, config.baseUrl, fhirBase, config.tokenLifetimeSeconds, clock);
  const tokenUrl = `${config.baseUrl}/auth/token`;
  const tokenService: TokenServiceDeps = {
    tokenUrl,
    algorithms: config.assertionAlgorithms,
    registry: clients,
    keys: createClientKeys({ fetcher, clock, maxCacheMs: 600_000, defaultCacheMs: 300_000, cooldownMs: 30_000, timeoutMs: config.jwksFetchTimeoutMs, maxBytes: 256 * 1024 }),
    replay: createReplayGuard(db),
    clock,
    issuer: tokens,
  };
  const resourceServer = createResourceServer({
    issuer: tokens,
    registry: clients,
    clock,
    statusTtlMs: config.clientStatusTtlMs,
    defaultRateLimitPerMinute: config.rateLimitPerMinute,
  });
  const consent: ConsentEnforcementDeps = {
    rules: consentRules,
    source: batchedConsentSource(createConsentSource(clock)),
    breakGlass: createBreakGlassRegistry(clock, config.breakGlassWindowMs, gateway),
    registry,
    baseUrl: config.baseUrl,
    clock,
    defaultPolicy: config.consentDefault,
  };
  const context: ModuleContext = { config, db, store, registry, clock, logger, metrics, audit, clients, resourceServer, consent, apiDeps: deps, fhirBase, gateway };
  const modules: GatewayModule[] = MODULES.map((create) => create(context));
  for (const module of modules) listeners.push(...(module.listeners ?? []));
  const api = createFhirApi(modules.flatMap((module) => module.routes ?? []));
  deps.capabilityExtensions = (statement) => {
    statement.rest?.[0] && (statement.rest[0].security = {
      cors: false,
      service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
      extension: [{ url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris', extension: [{ url: 'token', valueUri: tokenUrl }] }],
      description: 'SMART Backend Services: client_credentials with private_key_jwt (RS384, ES384)',
    });
    return modules.reduce((current, module) => (module.capability ? module.capability(current) : current), statement);
  };
  const access = createAccessLayer({
    baseDeps: deps,
    resourceServer,
    audit,
    registry,
    clock,
    baseUrl: config.baseUrl,
    gateway,
    consent,
    policies: (grant, request) => modules.flatMap((module) => module.policies?.(grant, request) ?? []),
  });
  const httpParts: HttpParts = {
    config,
    db,
    deps,
    api,
    logger,
    metrics,
    access,
    auth: { tokenService, keys, tokenUrl, baseUrl: config.baseUrl, algorithms: config.assertionAlgorithms, audit, clock, logger, gateway },
    admin: { registry: clients, resourceServer, audit, clock, outbound, gateway },
    moduleRouters: modules.flatMap((module) => (module.http ? [module.http] : [])),
  };
  const http = buildHttp(httpParts);
  for (const module of modules) await module.start?.();
  return {
    config,
    db,
    store,
    registry,
    validator,
    api,
    deps,
    clients,
    tokens,
    audit,
    logger,
    metrics,
    http,
    httpParts,
    modules,
    async close() {
      for (const module of [...modules].reverse()) await module.stop?.().catch((error: unknown) => logger.warn({ err: error, module: module.name }, 'module stop failed'));
      await audit.flush().catch(() => undefined);
      fetcher.close();
      await db.close();
    },
  };
}

async function openDatabase(config: GatewayConfig): Promise<Database> {
  return config.databaseUrl ? openPostgres(config.databaseUrl, config.dbPoolSize) : openPglite(config.dataDir);
}

function readVersion(): string {
  return (JSON.parse(fs.readFileSync(projectPath('package.json'), 'utf8')) as { version: string }).version;
}
