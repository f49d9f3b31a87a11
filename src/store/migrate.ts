/**
 * Versioned schema migrations: `NNN_name.sql` files applied in order at start, each in its own transaction,
 * recorded in `schema_migration`. An advisory lock keeps two instances starting together from racing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './db.ts';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_KEY = 724_311_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((file) => /^\d{3}_[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 3)),
      name: file.replace(/\.sql$/, ''),
      sql: fs.readFileSync(path.join(dir, file), 'utf8'),
    }));
}

/** Applies every migration not yet recorded; returns the names applied. */
export async function migrate(db: Database, migrations = listMigrations()): Promise<string[]> {
  await db.exec(`create table if not exists schema_migration (
    version integer primary key, name text not null, applied_at timestamptz not null default now())`);
  await db.query('select pg_advisory_lock($1)', [LOCK_KEY]);
  try {
    const done = new Set((await db.query<{ version: number }>('select version from schema_migration')).map((r) => r.version));
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await db.transaction(async (tx) => {
        for (const statement of splitStatements(migration.sql)) await tx.query(statement);
        await tx.query('insert into schema_migration (version, name) values ($1, $2)', [migration.version, migration.name]);
      });
      applied.push(migration.name);
    }
    return applied;
  } finally {
    await db.query('select pg_advisory_unlock($1)', [LOCK_KEY]);
  }
}

/** Splits a migration file on semicolons at line ends; `$$`-quoted bodies are kept whole. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let inDollarQuote = false;
  for (const line of sql.split('\n')) {
    const trimmed = line.trim();
    if (!inDollarQuote && (trimmed.startsWith('--') || trimmed === '')) continue;
    current += `${line}\n`;
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) inDollarQuote = !inDollarQuote;
    if (!inDollarQuote && trimmed.endsWith(';')) {
      statements.push(current.trim().replace(/;$/, ''));
      current = '';
    }
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}
