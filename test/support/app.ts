/**
 * Boots a real gateway for a test: a fresh database on the chosen engine, the app built by the composition
 * root, and a real HTTP listener on an ephemeral port (so absolute links point where the test can follow).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type App, createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { type Clock } from '../../src/shared/clock.ts';
import type { IngestModule } from '../../src/ingest/module.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { type TestClient, registerClient, tokenFor } from './clients.ts';
import { type EngineName, type TestDatabase, openTestDatabase } from './databases.ts';

export interface TestApp {
  app: App;
  database: TestDatabase;
  baseUrl: string;
  fhirBase: string;
  /** A client registered with every scope, and its access token. */
  client: TestClient;
  token: string;
  /** fetch against the FHIR base with the test client's token: `api('/Patient/1')`. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** fetch of an absolute URL (a next link) with the test client's token. */
  follow(url: string, init?: RequestInit): Promise<Response>;
  /** The port the MLLP listener bound. */
  mllpPort: number;
  /** fetch against the FHIR base with no Authorization header unless given. */
  anonymous(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestApp(engine: EngineName, env: Record<string, string> = {}, clock?: Clock): Promise<TestApp> {
  const database = await openTestDatabase(engine, { migrate: false });
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({ BASE_URL: baseUrl, PORT: String(port), LOG_LEVEL: 'silent', LOAD_DEMO: 'false', MLLP_PORT: '0', MLLP_HOST: '127.0.0.1', ...env });
  const app = await createApp(config, { db: database.db, logger: createLogger('silent'), ...(clock ? { clock } : {}) });
  server.on('request', app.http);
  const fhirBase = `${baseUrl}/fhir`;
  const client = await registerClient(app, { organizationId: 'org-test-admin' });
  const ingest = app.modules.find((module) => module.name === 'ingest') as IngestModule | undefined;
  const token = await tokenFor(baseUrl, client);
  return {
    app,
    database,
    baseUrl,
    fhirBase,
    client,
    token,
    mllpPort: ingest?.mllpPort() ?? 0,
    api: (path, init = {}) => fetch(`${fhirBase}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) } }),
    follow: (url, init = {}) => fetch(url, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) } }),
    anonymous: (path, init) => fetch(`${fhirBase}${path}`, init),
    async close() {
      for (const module of [...app.modules].reverse()) await module.stop?.();
      await app.audit.flush();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.dispose();
    },
  };
}

export const FHIR_JSON = 'application/fhir+json';

export function jsonBody(resource: unknown, extraHeaders: Record<string, string> = {}, method = 'POST'): RequestInit {
  return { method, headers: { 'content-type': FHIR_JSON, ...extraHeaders }, body: JSON.stringify(resource) };
}
