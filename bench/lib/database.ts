/**
 * Fresh databases for a benchmark run: a new PostgreSQL database created through the admin connection
 * (`DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/test`) and dropped afterwards, or an
 * in-memory PGlite. Both are migrated to the gateway's schema.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openPglite, openPostgres } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';

/** The two engines the gateway runs on. */
export type Engine = 'postgres' | 'pglite';

/** A migrated, empty database that belongs to one benchmark. */
export interface BenchDatabase {
  engine: Engine;
  db: Database;
  /** The database's connection string (PostgreSQL only), for a gateway that opens its own connections. */
  url?: string;
  /** Drops the database (PostgreSQL) or closes it (PGlite); safe after the database was closed. */
  dispose(): Promise<void>;
}

/** The admin connection string used to create and drop benchmark databases. */
export function adminUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** Opens a fresh, migrated database; `poolSize` is the pg pool size (PostgreSQL only). */
export async function openBenchDatabase(engine: Engine, poolSize: number): Promise<BenchDatabase> {
  if (engine === 'pglite') {
    const db = await openPglite();
    await migrate(db);
    return { engine, db, dispose: () => db.close().catch(() => undefined) };
  }
  const admin = adminUrl();
  const name = `cb_bench_${randomBytes(5).toString('hex')}`;
  await withAdmin(admin, (client) => client.query(`create database ${name}`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const db = openPostgres(url.toString(), poolSize);
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    await withAdmin(admin, (client) => client.query(`drop database if exists ${name} with (force)`));
    throw error;
  }
  return {
    engine,
    db,
    url: url.toString(),
    async dispose() {
      await db.close().catch(() => undefined);
      await withAdmin(admin, (client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** True when the admin connection answers (so the PostgreSQL engine can run). */
export async function postgresReachable(): Promise<boolean> {
  try {
    await withAdmin(adminUrl(), (client) => client.query('select 1'));
    return true;
  } catch {
    return false;
  }
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
