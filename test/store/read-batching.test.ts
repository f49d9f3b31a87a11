/**
 * Reads outside a transaction that run at the same time (concurrent requests) are served by one statement,
 * each getting its own resource, and never a version older than what was committed before the read was made.
 */
import type { Patient } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/shared/clock.ts';
import type { Database } from '../../src/store/db.ts';
import type { FhirStore } from '../../src/store/fhir-store.ts';
import { createPgStore } from '../../src/store/pg-store.ts';
import { enginesUnderTest, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { TEST_BASE_URL, testRegistry } from '../support/store.ts';

describe.each(enginesUnderTest())('read batching on %s', (engine) => {
  let database: TestDatabase;
  let store: FhirStore;
  const statements: string[] = [];
  beforeAll(async () => {
    database = await openTestDatabase(engine);
    const counting: Database = { ...database.db, query: (sql, params) => { statements.push(sql); return database.db.query(sql, params); } };
    store = createPgStore({ db: counting, registry: testRegistry(), baseUrl: TEST_BASE_URL, clock: fixedClock('2025-03-01T10:00:00.000Z'), maxIncludes: 100 });
    for (let i = 0; i < 8; i++) await store.update({ resourceType: 'Patient', id: `rb-${i}`, name: [{ family: `Family${i}` }] } as Patient);
  });
  afterAll(() => database.dispose());

  it('reads eight resources asked for at once with one statement', async () => {
    statements.length = 0;
    const read = await Promise.all([...Array(8).keys()].map((i) => store.read('Patient', `rb-${i}`)));
    expect(read.map((p) => (p as Patient).name?.[0]?.family)).toEqual([...Array(8).keys()].map((i) => `Family${i}`));
    expect(statements.filter((sql) => /from resource\b/.test(sql))).toHaveLength(1);
  });

  it('answers a missing or deleted resource as before', async () => {
    await store.delete('Patient', 'rb-7');
    const [missing, deleted] = await Promise.all([store.read('Patient', 'rb-none').catch((e: unknown) => e), store.read('Patient', 'rb-7').catch((e: unknown) => e)]);
    expect(missing).toMatchObject({ status: 404 });
    expect(deleted).toMatchObject({ status: 410 });
  });

  it('sees a write committed before the read was made', async () => {
    const first = store.read('Patient', 'rb-1');
    await store.update({ resourceType: 'Patient', id: 'rb-1', name: [{ family: 'Renamed' }] } as Patient);
    const second = await store.read('Patient', 'rb-1');
    await first;
    expect((second as Patient).name?.[0]?.family).toBe('Renamed');
    expect(second.meta?.versionId).toBe('2');
  });
});
