/**
 * The real gateway for a benchmark: `createApp` on a benchmark database behind a `node:http` server on an
 * ephemeral port, and SMART Backend Services clients that get real access tokens from its token endpoint
 * (as test/support/clients.ts does).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair } from 'jose';
import { type App, createApp } from '../../src/app.ts';
import { buildClientAssertion, requestAccessToken } from '../../src/auth/assertion-builder.ts';
import { loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/shared/logger.ts';
import type { Database } from '../../src/store/db.ts';

/** A listening HTTP server and its origin (`http://127.0.0.1:port`). */
export interface Listening {
  server: http.Server;
  origin: string;
  /** Resolves once every request received has been answered (load generators stop without waiting for them). */
  idle(): Promise<void>;
  /** Waits for idle, then closes every connection and the server. */
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 and an ephemeral port; `handler` may be attached later with `server.on('request')`. */
export async function listen(handler?: http.RequestListener): Promise<Listening> {
  const server = http.createServer({ keepAliveTimeout: 30_000 });
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  // A request counts until its handler ends the response. Not until 'close': when the load generator stops it
  // drops its sockets, and the handlers of those requests keep working (and writing audit records) after that.
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight++;
    const end = res.end.bind(res);
    let ended = false;
    res.end = ((...args: Parameters<typeof end>) => {
      if (!ended && --inFlight === 0) {
        for (const wake of waiters) wake();
        waiters = [];
      }
      ended = true;
      return end(...args);
    }) as typeof res.end;
  });
  if (handler) server.on('request', handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const idle = () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve)));
  return {
    server,
    origin,
    idle,
    async close() {
      await Promise.race([idle(), new Promise((resolve) => setTimeout(resolve, 60_000).unref())]);
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

/** A registered client able to sign assertions. */
export interface BenchClient {
  clientId: string;
  alg: 'ES384' | 'RS384';
  kid: string;
  privateKey: CryptoKey;
  scopes: string;
}

/** The gateway under test. */
export interface BenchGateway {
  app: App;
  listening: Listening;
  origin: string;
  tokenUrl: string;
  /** No request in flight and the audit trail flushed. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the gateway on `db` (which it migrates, as in production). Logging at `warn`: the per-request
 * info line is skipped, as it would be at any level above info. Closing it closes `db`.
 */
export async function startGateway(db: Database): Promise<BenchGateway> {
  const listening = await listen();
  const port = new URL(listening.origin).port;
  // MLLP on a free port: the listener runs as in production without clashing with other processes on 2575.
  const config = loadConfig({ BASE_URL: listening.origin, PORT: port, LOG_LEVEL: 'warn', LOAD_DEMO: 'false', MLLP_PORT: '0' });
  const app = await createApp(config, { db, logger: createLogger('warn') });
  listening.server.on('request', app.http);
  return {
    app,
    listening,
    origin: listening.origin,
    tokenUrl: `${listening.origin}/auth/token`,
    async idle() {
      await listening.idle();
      await app.audit.flush().catch(() => undefined);
    },
    /** Stops the listener, then the app (its modules' background work, the audit flush, the database). */
    async close() {
      await listening.close();
      await app.close();
    },
  };
}

/**
 * Registers a client with a fresh key pair. The rate limit is set high on purpose: the default
 * (`RATE_LIMIT_PER_MINUTE`, 6,000/min) would cap a load test at 100 req/s; a per-client limit is ordinary
 * registration data, not a bypass.
 */
export async function registerBenchClient(app: App, alg: 'ES384' | 'RS384', scopes = 'system/*.cruds'): Promise<BenchClient> {
  const clientId = `bench-${alg.toLowerCase()}-${randomUUID().slice(0, 8)}`;
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `${clientId}-key`;
  await app.clients.save({
    clientId,
    name: `Benchmark client ${clientId}`,
    organizationId: 'org-bench',
    organizationKind: 'hospital',
    jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }] },
    scopes,
    purposes: ['TREAT'],
    defaultPurpose: 'TREAT',
    breakGlass: false,
    status: 'active',
    rateLimitPerMinute: 10_000_000,
  });
  return { clientId, alg, kid, privateKey, scopes };
}

/** A signed client assertion for the token endpoint (fresh jti each call). */
export function assertionFor(client: BenchClient, tokenUrl: string): Promise<string> {
  return buildClientAssertion({ clientId: client.clientId, tokenUrl, key: client.privateKey, alg: client.alg, kid: client.kid });
}

/** The form body of a token request carrying `assertion`. */
export function tokenForm(assertion: string, scope: string): string {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
    scope,
  }).toString();
}

/** A fresh access token (tokens live at most 300 s, so benchmarks fetch one per round). */
export async function accessToken(gateway: BenchGateway, client: BenchClient): Promise<string> {
  const response = await requestAccessToken(gateway.tokenUrl, await assertionFor(client, gateway.tokenUrl), client.scopes);
  if (response.status !== 200 || !response.body.access_token) throw new Error(`token refused: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.access_token;
}
