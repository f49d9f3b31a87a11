/**
 * A database prepared for a gateway in a child process (test/support/child-gateway.ts) in crash tests:
 * migrated, with a client registered.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { createClientRegistry } from '../../../src/auth/client-registry.ts';
import { type Database, openPglite } from '../../../src/store/db.ts';
import { migrate } from '../../../src/store/migrate.ts';
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
