/**
 * One SQL surface over two engines: real PostgreSQL through `pg` and embedded PGlite (PostgreSQL compiled to
 * WebAssembly). Everything above this file writes the same SQL for both.
 */
import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { GatewayError } from '../shared/errors.ts';

export type SqlParam = string | number | boolean | null | Date | readonly (string | number | boolean | null)[];
export type Row = Record<string, unknown>;

export interface SqlClient {
  query<R = Row>(sql: string, params?: readonly SqlParam[]): Promise<R[]>;
}

export interface Database extends SqlClient {
  readonly engine: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction (READ COMMITTED); commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  /** Runs several statements separated by semicolons, without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  poolStats(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** bigint and numeric come back as JS numbers on both engines (PGlite already does this). */
const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

export function openPostgres(connectionString: string, poolSize: number): Database {
  // Prepared statements are planned for their parameters on every execution: a generic plan chosen while the
  // tables were small stays cached for the connection's life and can turn slow as they grow.
  const pool = new pg.Pool({ connectionString, max: poolSize, types: pgTypes, connectionTimeoutMillis: 10_000, options: '-c plan_cache_mode=force_custom_plan' });
  // Idle clients that lose their connection emit here; without a listener the process would crash.
  pool.on('error', () => undefined);
  const statements = preparedStatementNames();
  const run = async <R,>(client: pg.Pool | pg.PoolClient, sql: string, params?: readonly SqlParam[]) => {
    const values = params as unknown[] | undefined;
    const name = values && values.length > 0 ? statements.nameFor(sql) : undefined;
    return translateErrors(async () => (await client.query(name ? { name, text: sql, values } : { text: sql, values })).rows as R[]);
  };
  return {
    engine: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    async transaction(fn) {
      const client = await translateErrors(() => pool.connect());
      try {
        await client.query('BEGIN');
        const result = await fn({ query: (sql, params) => run(client, sql, params) });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async exec(sql) {
      await translateErrors(() => pool.query(sql));
    },
    async ping() {
      try {
        await pool.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
}

/**
 * Names for the statements worth preparing on each connection: a parameterized statement becomes a named one
 * (parsed once per connection, then bound, planned for its parameters and executed) from its third use. The
 * set of names is bounded, because search SQL varies with the query and every name lives on every connection.
 */
function preparedStatementNames(limit = 500, threshold = 3) {
  const names = new Map<string, string>();
  const uses = new Map<string, number>();
  return {
    nameFor(sql: string): string | undefined {
      const name = names.get(sql);
      if (name !== undefined) return name;
      if (names.size >= limit) return undefined;
      const count = (uses.get(sql) ?? 0) + 1;
      if (count < threshold) {
        if (uses.size >= limit * 20) uses.clear();
        uses.set(sql, count);
        return undefined;
      }
      uses.delete(sql);
      const assigned = `cb${names.size + 1}`;
      names.set(sql, assigned);
      return assigned;
    },
  };
}

/** PGlite in memory (`dataDir` undefined) or persisted under `dataDir`. */
export async function openPglite(dataDir?: string): Promise<Database> {
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const lite = await PGlite.create(dataDir);
  let closed = false;
  const run = async <R,>(client: Pick<PGlite, 'query'>, sql: string, params?: readonly SqlParam[]) =>
    translateErrors(async () => (await client.query<R>(sql, params as unknown[] | undefined)).rows);
  return {
    engine: 'pglite',
    query: (sql, params) => run(lite, sql, params),
    transaction: (fn) => lite.transaction((tx) => fn({ query: (sql, params) => run(tx, sql, params) })),
    async exec(sql) {
      await translateErrors(() => lite.exec(sql));
    },
    async ping() {
      if (closed) return false;
      try {
        await lite.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    async close() {
      closed = true;
      await lite.close();
    },
  };
}

export interface PgErrorLike {
  code?: string;
}

/** Connection failures become 503 so callers (and HL7 senders) retry; other errors pass through. */
async function translateErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isConnectionError(error)) {
      throw new GatewayError('STO-UNAVAILABLE', 'unavailable', 'The database is unavailable', { cause: error });
    }
    const state = sqlState(error);
    if (state === '23505') throw new GatewayError('STO-DUPLICATE', 'conflict', 'A resource with this identity already exists', { cause: error });
    if (state === '40001' || state === '40P01') throw new GatewayError('STO-CONFLICT', 'conflict', 'A concurrent change conflicted; retry', { cause: error });
    throw error;
  }
}

function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & PgErrorLike).code ?? '';
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006'].includes(code) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|PGlite is closed/i.test(error.message)
  );
}

/** The PostgreSQL SQLSTATE of an error, if it has one. */
export function sqlState(error: unknown): string | undefined {
  return error instanceof Error ? (error as Error & PgErrorLike).code : undefined;
}
