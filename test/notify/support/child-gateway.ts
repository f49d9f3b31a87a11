/**
 * The gateway as a separate process (`node --import tsx src/main.ts`), for crash tests: a database prepared
 * beforehand (migrated, a client registered), the child started on a fixed port (so topic canonicals stay the
 * same across restarts), killed with SIGKILL or stopped with SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { createClientRegistry } from '../../../src/auth/client-registry.ts';
import { type Database, openPglite } from '../../../src/store/db.ts';
import { migrate } from '../../../src/store/migrate.ts';
import { projectPath } from '../../../src/shared/paths.ts';
import type { TestClient } from '../../support/clients.ts';
import { type EngineName, openTestDatabase } from '../../support/databases.ts';
import { ALL_SCOPES } from '../../support/clients.ts';

export interface ChildDatabase {
  env: Record<string, string>;
  client: TestClient;
  dispose(): Promise<void>;
}

/** A migrated database with one full-scope client, ready for a child gateway. */
export async function prepareChildDatabase(engine: EngineName): Promise<ChildDatabase> {
  let db: Database;
  let env: Record<string, string>;
  let dispose: () => Promise<void>;
  if (engine === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-notify-'));
    db = await openPglite(dir);
    await migrate(db);
    env = { DATA_DIR: dir };
    dispose = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    const database = await openTestDatabase('postgres');
    db = database.db;
    env = { DATABASE_URL: database.url as string };
    dispose = () => database.dispose();
  }
  const clientId = `crash-${randomUUID().slice(0, 8)}`;
  const { publicKey, privateKey } = await generateKeyPair('ES384', { extractable: true });
  const kid = `${clientId}-key`;
  const registration = {
    clientId,
    name: 'Crash test client',
    organizationId: 'org-crash',
    organizationKind: 'gp-practice' as const,
    scopes: ALL_SCOPES,
    purposes: ['TREAT'],
    defaultPurpose: 'TREAT',
    breakGlass: false,
    status: 'active' as const,
    jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES384', use: 'sig' }] },
  };
  await createClientRegistry(db).save(registration);
  if (engine === 'pglite') await db.close();
  const close = engine === 'pglite' ? dispose : async () => dispose();
  return { env, client: { clientId, alg: 'ES384', kid, privateKey, registration }, dispose: close };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ChildGateway {
  baseUrl: string;
  process: ChildProcess;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts `src/main.ts` with `env` and waits until `/readyz` answers 200. */
export async function startChildGateway(port: number, env: Record<string, string>): Promise<ChildGateway> {
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: projectPath(),
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', BASE_URL: baseUrl, LOAD_DEMO: 'false', LOG_LEVEL: 'error', MLLP_PORT: '0', MLLP_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => void (stderr = `${stderr}${chunk.toString()}`.slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`child gateway exited: ${stderr}`);
    const ready = await fetch(`${baseUrl}/readyz`).then((r) => r.status === 200, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`child gateway did not start: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    baseUrl,
    process: child,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
