/**
 * The database engines a suite runs against: embedded PGlite always, and real PostgreSQL when
 * TEST_DATABASE_URL is set. Each opened database is fresh (PostgreSQL: a new database created for the suite
 * and dropped after). With CI=true an unreachable PostgreSQL fails the suite instead of skipping it.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openPglite, openPostgres } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';

export type EngineName = 'pglite' | 'postgres';

export interface TestDatabase {
  db: Database;
  /** Connection string of the fresh PostgreSQL database (undefined for PGlite). */
  url?: string;
  dispose(): Promise<void>;
}

export function enginesUnderTest(): EngineName[] {
  const engines: EngineName[] = ['pglite'];
  if (process.env.TEST_DATABASE_URL) engines.push('postgres');
  else if (process.env.CI === 'true') throw new Error('CI=true but TEST_DATABASE_URL is not set: PostgreSQL suites must run in CI');
  return engines;
}

export async function openTestDatabase(engine: EngineName, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const result = engine === 'pglite' ? await openFreshPglite() : await openFreshPostgres();
  if (options.migrate !== false) await migrate(result.db);
  return result;
}

async function openFreshPglite(): Promise<TestDatabase> {
  const db = await openPglite();
  return { db, dispose: () => db.close() };
}

async function openFreshPostgres(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL as string;
  const name = `cb_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL at TEST_DATABASE_URL is unreachable: ${(error as Error).message}`);
  }
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = openPostgres(url.toString(), 8);
  return {
    db,
    url: url.toString(),
    async dispose() {
      await db.close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
