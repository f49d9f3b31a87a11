/**
 * Typed gateway configuration, read from the environment once at boot and validated (fail fast).
 * The README's configuration table documents every variable read here.
 */
import path from 'node:path';
import { ConfigError, type Env, readBool, readBytes, readEnum, readInt, readList, readOptional, readString } from './env.ts';

const BASE_ALGORITHMS = ['RS384', 'ES384'];
const OPTIONAL_ALGORITHMS = ['RS256', 'ES256'];

/** RS384 and ES384 always; `ASSERTION_EXTRA_ALGS` may add RS256/ES256 — nothing else (no none, no HMAC). */
function readAlgorithms(env: Env): string[] {
  const extra = readList(env, 'ASSERTION_EXTRA_ALGS');
  const unknown = extra.find((alg) => !OPTIONAL_ALGORITHMS.includes(alg));
  if (unknown) throw new ConfigError(`ASSERTION_EXTRA_ALGS may only add ${OPTIONAL_ALGORITHMS.join(', ')}, not "${unknown}"`);
  return [...BASE_ALGORITHMS, ...extra];
}

export type Jurisdiction = 'england' | 'us';

/** Transitional care management settings (DOMAIN.md §5, DESIGN.md §3). */
export interface TcmConfig {
  /** `mappings/tcm/holidays/<name>.json`: `england-wales` (england) or `us-federal` (us) unless `HOLIDAY_CALENDAR` says otherwise. */
  holidayCalendar: string;
  /** Extra days off (`YYYY-MM-DD`) added to the calendar: local closures, newly proclaimed holidays. */
  extraHolidays: string[];
  /** IANA time zone in which a due date ends (23:59:59.999 local) unless the practice's Organization names its own. */
  timeZone: string;
}

const DEFAULT_CALENDAR: Record<Jurisdiction, string> = { england: 'england-wales', us: 'us-federal' };
const DEFAULT_TIME_ZONE: Record<Jurisdiction, string> = { england: 'Europe/London', us: 'America/New_York' };

function readTcm(env: Env, jurisdiction: Jurisdiction): TcmConfig {
  const holidayCalendar = readString(env, 'HOLIDAY_CALENDAR', DEFAULT_CALENDAR[jurisdiction]);
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(holidayCalendar)) throw new ConfigError(`HOLIDAY_CALENDAR must be a calendar name such as england-wales, got "${holidayCalendar}"`);
  const extraHolidays = readList(env, 'TCM_EXTRA_HOLIDAYS');
  const badDate = extraHolidays.find((date) => !/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)));
  if (badDate !== undefined) throw new ConfigError(`TCM_EXTRA_HOLIDAYS must list YYYY-MM-DD dates, got "${badDate}"`);
  const timeZone = readString(env, 'TCM_TIME_ZONE', DEFAULT_TIME_ZONE[jurisdiction]);
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new ConfigError(`TCM_TIME_ZONE must be an IANA time zone such as Europe/London, got "${timeZone}"`);
  }
  return { holidayCalendar, extraHolidays, timeZone };
}

export interface GatewayConfig {
  port: number;
  host: string;
  /** Public base URL of the gateway (no trailing slash); FHIR base is `${baseUrl}/fhir`. */
  baseUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  dbPoolSize: number;
  logLevel: string;
  bodyLimitBytes: number;
  defaultPageSize: number;
  maxPageSize: number;
  /** Cap on resources added by _include/_revinclude to one page. */
  maxIncludes: number;
  loadDemo: boolean;
  jurisdiction: Jurisdiction;
  /** Secret for signing paging cursors; random per process when unset (cursors then die with the process). */
  cursorSecret: string | undefined;
  shutdownGraceMs: number;
  /** Client assertion algorithms accepted at the token endpoint (never none or HMAC). */
  assertionAlgorithms: string[];
  /** Access token lifetime, at most 300 s. */
  tokenLifetimeSeconds: number;
  /** Requests per minute per client when its registration sets none. */
  rateLimitPerMinute: number;
  /** How long a client's active status is trusted before re-reading it (a disabled client is refused within this). */
  clientStatusTtlMs: number;
  /** Let JWKS URLs be plain http on loopback (tests and demos only). */
  jwksAllowLoopback: boolean;
  /** Give up on a client's JWKS URL after this long (ms). */
  jwksFetchTimeoutMs: number;
  /** Private address ranges outbound calls may reach (CIDR list). */
  outboundAllowedCidrs: string[];
  /** Consent default: opt-out (share for direct care unless the patient objects) or opt-in. */
  consentDefault: 'opt-in' | 'opt-out';
  /** How long a break-the-glass override lasts (ms). */
  breakGlassWindowMs: number;
  /** Subscriptions and notification delivery (src/notify/README.md). */
  notify: NotifyConfig;
  tcm: TcmConfig;
  /** HL7 v2 transactions that may run at once on PostgreSQL (PGlite has one connection and always uses one). */
  ingestLanes: number;
  mllp: {
    /** 0 picks a free port; the listener is off when MLLP_ENABLED=false. */
    port: number;
    host: string;
    enabled: boolean;
    maxConnections: number;
    maxConnectionsPerSource: number;
    idleTimeoutMs: number;
    frameTimeoutMs: number;
    maxMessageBytes: number;
  };
}

export function loadConfig(env: Env = process.env): GatewayConfig {
  const port = readInt(env, 'PORT', 8080, 0, 65535);
  const baseUrl = readString(env, 'BASE_URL', `http://localhost:${port}`).replace(/\/+$/, '');
  const defaultPageSize = readInt(env, 'DEFAULT_PAGE_SIZE', 20, 1, 10_000);
  const maxPageSize = readInt(env, 'MAX_PAGE_SIZE', 1000, defaultPageSize, 10_000);
  const jurisdiction = readEnum(env, 'JURISDICTION', ['england', 'us'] as const, 'england');
  return {
    port,
    host: readString(env, 'HOST', '0.0.0.0'),
    baseUrl,
    databaseUrl: readOptional(env, 'DATABASE_URL'),
    dataDir: path.resolve(readString(env, 'DATA_DIR', './data')),
    dbPoolSize: readInt(env, 'DB_POOL_SIZE', 10, 1, 500),
    logLevel: readEnum(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    bodyLimitBytes: readBytes(env, 'BODY_LIMIT', 10 * 1024 * 1024),
    defaultPageSize,
    maxPageSize,
    maxIncludes: readInt(env, 'MAX_INCLUDES', 1000, 1, 100_000),
    loadDemo: readBool(env, 'LOAD_DEMO', true),
    jurisdiction,
    cursorSecret: readOptional(env, 'CURSOR_SECRET'),
    shutdownGraceMs: readInt(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    assertionAlgorithms: readAlgorithms(env),
    tokenLifetimeSeconds: readInt(env, 'TOKEN_LIFETIME_SECONDS', 300, 30, 300),
    rateLimitPerMinute: readInt(env, 'RATE_LIMIT_PER_MINUTE', 6000, 1, 10_000_000),
    clientStatusTtlMs: readInt(env, 'CLIENT_STATUS_TTL_MS', 30_000, 0, 60_000),
    consentDefault: readEnum(env, 'CONSENT_DEFAULT', ['opt-in', 'opt-out'] as const, jurisdiction === 'us' ? 'opt-in' : 'opt-out'),
    breakGlassWindowMs: readInt(env, 'BREAK_GLASS_WINDOW_MINUTES', 240, 1, 7 * 24 * 60) * 60_000,
    notify: readNotifyConfig(env),
    tcm: readTcm(env, jurisdiction),
    ingestLanes: readInt(env, 'INGEST_LANES', 4, 1, 64),
    mllp: {
      port: readInt(env, 'MLLP_PORT', 2575, 0, 65535),
      host: readString(env, 'MLLP_HOST', '0.0.0.0'),
      enabled: readBool(env, 'MLLP_ENABLED', true),
      maxConnections: readInt(env, 'MLLP_MAX_CONNECTIONS', 500, 1, 100_000),
      maxConnectionsPerSource: readInt(env, 'MLLP_MAX_CONNECTIONS_PER_SOURCE', 32, 1, 10_000),
      idleTimeoutMs: readInt(env, 'MLLP_IDLE_TIMEOUT_MS', 600_000, 1000, 86_400_000),
      frameTimeoutMs: readInt(env, 'MLLP_FRAME_TIMEOUT_MS', 60_000, 100, 3_600_000),
      maxMessageBytes: readBytes(env, 'MLLP_MAX_MESSAGE_BYTES', 10 * 1024 * 1024),
    },
    jwksAllowLoopback: readBool(env, 'JWKS_ALLOW_LOOPBACK', false),
    jwksFetchTimeoutMs: readInt(env, 'JWKS_FETCH_TIMEOUT_MS', 5000, 100, 60_000),
    outboundAllowedCidrs: readList(env, 'OUTBOUND_ALLOWED_CIDRS').map((cidr) => {
      if (!/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(cidr)) throw new ConfigError(`OUTBOUND_ALLOWED_CIDRS has an invalid CIDR "${cidr}"`);
      return cidr;
    }),
  };
}

/** Subscriptions and rest-hook delivery settings (README.md "Notifications"). */
export interface NotifyConfig {
  /** Run delivery workers in this instance (API-only instances set NOTIFY_WORKERS=false). */
  workers: boolean;
  /** Let rest-hook endpoints be plain http on 127.0.0.1/::1 (tests and demos only). */
  allowLoopback: boolean;
  /** Safety poll of the outbox when no wake-up signal arrives (ms). */
  pollMs: number;
  /** How long a worker's claim on a subscription's queue lasts before another instance may take it (ms). */
  leaseMs: number;
  /** First retry delay; doubles per attempt, with jitter, up to retryMaxDelayMs (ms). */
  retryBaseMs: number;
  retryMaxDelayMs: number;
  /** After this long undelivered, an event is dead-lettered and the subscription set to error (ms). */
  retryHorizonMs: number;
  /** Default per-request timeout when the Subscription sets no backport-timeout (ms). */
  timeoutMs: number;
  /** Upper bound on a Subscription's backport-timeout (ms). */
  maxTimeoutMs: number;
  /** Concurrent deliveries per endpoint origin, and across all endpoints, per instance. */
  endpointConcurrency: number;
  globalConcurrency: number;
  /** Events taken from one subscription's queue per claim. */
  batchSize: number;
  /** How often idle subscriptions are checked for a due heartbeat (ms). */
  heartbeatScanMs: number;
  /** Delivered, suppressed and dead events stay retrievable through $events this long (ms). */
  retentionMs: number;
  /** How long stop() lets in-flight sends finish before aborting them (they stay pending) (ms). */
  stopGraceMs: number;
}

function readNotifyConfig(env: Env): NotifyConfig {
  return {
    workers: readBool(env, 'NOTIFY_WORKERS', true),
    allowLoopback: readBool(env, 'NOTIFY_ALLOW_LOOPBACK', false),
    pollMs: readInt(env, 'NOTIFY_POLL_MS', 1000, 10, 60_000),
    leaseMs: readInt(env, 'NOTIFY_LEASE_MS', 60_000, 1000, 3_600_000),
    retryBaseMs: readInt(env, 'NOTIFY_RETRY_BASE_MS', 2000, 1, 3_600_000),
    retryMaxDelayMs: readInt(env, 'NOTIFY_RETRY_MAX_DELAY_MS', 3_600_000, 1, 86_400_000),
    retryHorizonMs: readInt(env, 'NOTIFY_RETRY_HORIZON_HOURS', 72, 1, 24 * 365) * 3_600_000,
    timeoutMs: readInt(env, 'NOTIFY_TIMEOUT_MS', 30_000, 100, 300_000),
    maxTimeoutMs: readInt(env, 'NOTIFY_MAX_TIMEOUT_MS', 120_000, 100, 600_000),
    endpointConcurrency: readInt(env, 'NOTIFY_ENDPOINT_CONCURRENCY', 2, 1, 64),
    globalConcurrency: readInt(env, 'NOTIFY_GLOBAL_CONCURRENCY', 32, 1, 1024),
    batchSize: readInt(env, 'NOTIFY_BATCH_SIZE', 50, 1, 1000),
    heartbeatScanMs: readInt(env, 'NOTIFY_HEARTBEAT_SCAN_MS', 5000, 10, 3_600_000),
    retentionMs: readInt(env, 'NOTIFY_EVENT_RETENTION_DAYS', 30, 1, 3650) * 86_400_000,
    stopGraceMs: readInt(env, 'NOTIFY_STOP_GRACE_MS', 5000, 0, 600_000),
  };
}
