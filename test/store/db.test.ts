/**
 * The SQL surface on PostgreSQL: a parameterized statement used repeatedly is prepared once per connection
 * (parsed once, then bound and executed), with the same results and errors as before, and planned for its
 * parameters every time (a generic plan cached while the tables were small made ingest slow down as they grew).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../../src/store/db.ts';
import { enginesUnderTest, openTestDatabase, type TestDatabase } from '../support/databases.ts';

describe.runIf(enginesUnderTest().includes('postgres'))('PostgreSQL statements', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase('postgres', { migrate: false });
    await database.db.exec('create table prepared_probe (id int primary key, label text not null)');
  });
  afterAll(() => database.dispose());

  const prepared = (sql: SqlClient) => sql.query<{ statement: string }>('select statement from pg_prepared_statements');

  it('prepares a statement from its third use on a connection, and answers as before', async () => {
    const insert = 'insert into prepared_probe (id, label) values ($1, $2) returning label';
    await database.db.transaction(async (tx) => {
      for (let id = 1; id <= 2; id++) expect(await tx.query(insert, [id, `row ${id}`])).toEqual([{ label: `row ${id}` }]);
      expect((await prepared(tx)).map((row) => row.statement)).not.toContain(insert);
      for (let id = 3; id <= 6; id++) expect(await tx.query(insert, [id, `row ${id}`])).toEqual([{ label: `row ${id}` }]);
      expect((await prepared(tx)).map((row) => row.statement)).toContain(insert);
    });
    const rows = await database.db.query<{ n: number }>('select count(*)::int as n from prepared_probe where label like $1', ['row %']);
    expect(rows).toEqual([{ n: 6 }]);
  });

  it('plans prepared statements for their parameters on every execution', async () => {
    await database.db.transaction(async (tx) => {
      expect(await tx.query('select current_setting($1) as mode', ['plan_cache_mode'])).toEqual([{ mode: 'force_custom_plan' }]);
    });
    expect(await database.db.query('select current_setting($1) as mode', ['plan_cache_mode'])).toEqual([{ mode: 'force_custom_plan' }]);
  });

  it('reports errors of a prepared statement as of any other', async () => {
    const insert = 'insert into prepared_probe (id, label) values ($1, $2) returning label';
    await expect(database.db.query(insert, [1, 'again'])).rejects.toMatchObject({ code: 'STO-DUPLICATE' });
    await expect(database.db.query(insert, [100, null])).rejects.toMatchObject({ code: '23502' });
    expect(await database.db.query(insert, [101, 'fine'])).toEqual([{ label: 'fine' }]);
  });

  it('leaves statements without parameters unprepared (they may hold several commands)', async () => {
    await database.db.transaction(async (tx) => {
      for (let i = 0; i < 4; i++) await tx.query('select count(*) from prepared_probe');
      expect((await prepared(tx)).map((row) => row.statement)).not.toContain('select count(*) from prepared_probe');
    });
  });
});
