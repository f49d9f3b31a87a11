/**
 * The gateway refuses to run on a PostgreSQL that could lose acknowledged writes (RELIABILITY.md case 55),
 * and reports not-ready while its database is unreachable.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { openPostgres } from '../../src/store/db.ts';
import { enginesUnderTest, openTestDatabase } from '../support/databases.ts';
import { startTestApp } from '../support/app.ts';

describe('durability and readiness', () => {
  it.runIf(enginesUnderTest().includes('postgres'))('refuses to start with synchronous_commit off', async () => {
    const database = await openTestDatabase('postgres', { migrate: false });
    try {
      const url = new URL(database.url as string);
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`alter database ${url.pathname.slice(1)} set synchronous_commit = off`);
      await admin.end();
      const db = openPostgres(url.toString(), 2);
      const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: url.toString(), MLLP_ENABLED: 'false' });
      await expect(createApp(config, { db, logger: createLogger('silent') })).rejects.toMatchObject({ code: 'STO-UNSAFE-DURABILITY' });
      await db.close();
    } finally {
      await database.dispose();
    }
  });

  it('answers /readyz 503 while the database is unreachable', async () => {
    const t = await startTestApp('pglite');
    expect((await fetch(`${t.baseUrl}/readyz`)).status).toBe(200);
    await t.database.db.close();
    const response = await fetch(`${t.baseUrl}/readyz`);
    expect(response.status).toBe(503);
    expect((await fetch(`${t.baseUrl}/livez`)).status).toBe(200);
    const read = await t.api('/Patient');
    expect(read.status).toBe(503);
    expect(((await read.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
    await t.close().catch(() => undefined);
  });
});
