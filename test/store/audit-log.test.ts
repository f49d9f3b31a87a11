/** The audit log: AuditEvents append-only beside the resource store, searchable by their R4 parameters. */
import type { AuditEvent, Patient, Resource } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/shared/errors.ts';
import { auditKeys } from '../../src/store/audit-log.ts';
import { writeIndexRows } from '../../src/store/index-writer.ts';
import { indexResource } from '../../src/store/indexer.ts';
import { listMigrations, migrate } from '../../src/store/migrate.ts';
import { enginesUnderTest, openTestDatabase } from '../support/databases.ts';
import { type StoreFixture, TEST_BASE_URL, openStore, testRegistry } from '../support/store.ts';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const REST = 'http://terminology.hl7.org/CodeSystem/audit-event-type';

function event(id: string, patient: string, recorded: string, extra: Partial<AuditEvent> = {}): AuditEvent {
  return {
    resourceType: 'AuditEvent',
    id,
    type: { system: REST, code: 'rest' },
    subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read' }],
    action: 'R',
    outcome: '0',
    recorded,
    agent: [{ who: { reference: 'Organization/org-req' }, name: 'Riverside Medical Centre', requestor: true }],
    source: { observer: { reference: 'Device/gateway' } },
    entity: [{ what: { reference: `Patient/${patient}` }, role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1' } }],
    ...extra,
  };
}

async function expectError(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(GatewayError);
  expect((error as GatewayError).code).toBe(code);
}

const ids = (entries: { resource: Resource; mode: string }[], mode = 'match') => entries.filter((e) => e.mode === mode).map((e) => e.resource.id);

describe.each(enginesUnderTest())('audit log on %s', (engine) => {
  let fx: StoreFixture;
  const search = async (qs: string, type = 'AuditEvent') => (await fx.store.search(fx.query(type, qs))).entries;

  beforeAll(async () => {
    fx = await openStore(engine);
    await fx.store.update({ resourceType: 'Organization', id: 'org-req', name: 'Riverside Medical Centre' } as Resource);
    await fx.store.update({ resourceType: 'Patient', id: 'p1', name: [{ family: 'One' }] } as Patient);
    await fx.store.update({ resourceType: 'Patient', id: 'p2', name: [{ family: 'Two' }] } as Patient);
    await fx.store.createMany([
      event('a1', 'p1', '2026-01-01T10:00:00Z'),
      event('a2', 'p1', '2026-01-02T10:00:00Z', { action: 'E', outcome: '4', subtype: [{ system: DCM, code: '110127' }] }),
      event('a3', 'p2', '2026-01-03T10:00:00Z', { agent: [{ who: { reference: 'Device/other' }, name: 'Social Care Hub', requestor: true }] }),
    ]);
  });
  afterAll(() => fx.database.dispose());

  it('keeps events out of the resource tables and reads them back by id and version 1', async () => {
    const rows = await fx.database.db.query<{ n: number }>(`select count(*)::int as n from resource where resource_type = 'AuditEvent'`);
    expect(rows[0]?.n).toBe(0);
    const read = (await fx.store.read('AuditEvent', 'a1')) as AuditEvent;
    expect(read.meta).toMatchObject({ versionId: '1', lastUpdated: '2025-03-01T10:00:00.000Z' });
    expect(await fx.store.vread('AuditEvent', 'a1', '1')).toEqual(read);
    await expectError(fx.store.vread('AuditEvent', 'a1', '2'), 'STO-NOT-FOUND');
    await expectError(fx.store.read('AuditEvent', 'missing'), 'STO-NOT-FOUND');
    expect(await fx.store.find('AuditEvent', 'missing')).toBeUndefined();
    const many = await fx.store.findMany([{ resourceType: 'Patient', id: 'p1' }, { resourceType: 'AuditEvent', id: 'a2' }, { resourceType: 'AuditEvent', id: 'nope' }]);
    expect(many.map((r) => r?.id)).toEqual(['p1', 'a2', undefined]);
    const history = await fx.store.history({ resourceType: 'AuditEvent', id: 'a1', count: 10, offset: 0 });
    expect(history.entries.map((e) => [e.id, e.versionId, e.method])).toEqual([['a1', '1', 'POST']]);
  });

  it('is append-only: an event is never replaced, patched or deleted, and a batch with a taken id writes nothing', async () => {
    await expectError(fx.store.update(event('a1', 'p2', '2026-02-01T00:00:00Z')), 'STO-AUDIT-APPEND-ONLY');
    await expectError(fx.store.patch('AuditEvent', 'a1', [{ op: 'replace', path: '/outcome', value: '8' }]), 'STO-AUDIT-APPEND-ONLY');
    await expectError(fx.store.delete('AuditEvent', 'a1'), 'STO-AUDIT-APPEND-ONLY');
    await expectError(fx.store.createMany([event('fresh', 'p1', '2026-02-01T00:00:00Z'), event('a1', 'p1', '2026-02-01T00:00:00Z')]), 'STO-AUDIT-APPEND-ONLY');
    expect(await fx.store.find('AuditEvent', 'fresh')).toBeUndefined();
    expect(((await fx.store.read('AuditEvent', 'a1')) as AuditEvent).outcome).toBe('0');
  });

  it('searches tokens in every form, references by id, type and modifier, dates, strings and _id', async () => {
    expect(ids(await search(`type=${REST}|rest`))).toEqual(['a1', 'a2', 'a3']);
    expect(ids(await search('subtype=110127'))).toEqual(['a2']);
    expect(ids(await search(`subtype=${DCM}|`))).toEqual(['a2']);
    expect(ids(await search('subtype=|110127'))).toEqual([]);
    expect(ids(await search('outcome:not=0'))).toEqual(['a2']);
    expect(ids(await search('action=R,E&outcome=0'))).toEqual(['a1', 'a3']);
    expect(ids(await search('patient=p1'))).toEqual(['a1', 'a2']);
    expect(ids(await search('patient=Patient/p2'))).toEqual(['a3']);
    expect(ids(await search(`entity=${TEST_BASE_URL}/fhir/Patient/p2`))).toEqual(['a3']);
    expect(ids(await search('agent:Device=other'))).toEqual(['a3']);
    expect(ids(await search('agent:Patient=other'))).toEqual([]);
    expect(ids(await search('date=ge2026-01-02&date=lt2026-01-03'))).toEqual(['a2']);
    expect(ids(await search('date=2026-01-03'))).toEqual(['a3']);
    expect(ids(await search('agent-name=riverside'))).toEqual(['a1', 'a2']);
    expect(ids(await search('agent-name:contains=care'))).toEqual(['a3']);
    expect(ids(await search('agent-name:exact=Social Care Hub'))).toEqual(['a3']);
    expect(ids(await search('agent-name:exact=social care hub'))).toEqual([]);
    expect(ids(await search('_id=a3,a1'))).toEqual(['a1', 'a3']);
    expect(ids(await search('policy:missing=true&patient=p1'))).toEqual(['a1', 'a2']);
  });

  it('sorts by date, pages, counts, and includes what the events reference', async () => {
    expect(ids(await search('_sort=-date'))).toEqual(['a3', 'a2', 'a1']);
    const page = await fx.store.search(fx.query('AuditEvent', '_sort=date&_count=2'));
    expect([ids(page.entries), page.hasMore]).toEqual([['a1', 'a2'], true]);
    const next = await fx.store.search({ ...fx.query('AuditEvent', '_sort=date&_count=2'), offset: 2 });
    expect([ids(next.entries), next.hasMore]).toEqual([['a3'], false]);
    expect((await fx.store.search(fx.query('AuditEvent', 'patient=p1&_total=accurate'))).total).toBe(2);
    expect((await fx.store.search(fx.query('AuditEvent', 'patient=p1&_summary=count'))).total).toBe(2);
    const included = await search('_id=a1&_include=AuditEvent:agent');
    expect(ids(included, 'include')).toEqual(['org-req']);
    expect(ids(await search('_id=a1&_include=AuditEvent:*'), 'include').sort()).toEqual(['org-req', 'p1']);
  });

  it('answers the patient compartment, $everything by _type and _revinclude from the resource store', async () => {
    expect(ids((await fx.store.search({ ...fx.query('AuditEvent', ''), compartmentPatientId: 'p1' })).entries)).toEqual(['a1', 'a2']);
    const everything = await fx.store.everything({ patientId: 'p1', count: 100, offset: 0 });
    expect(ids(everything.entries)).toEqual(['p1']);
    const withAudit = await fx.store.everything({ patientId: 'p1', types: ['Patient', 'AuditEvent'], count: 100, offset: 0 });
    expect(ids(withAudit.entries)).toEqual(['p1', 'a1', 'a2']);
    const patients = await search('_id=p1,p2&_revinclude=AuditEvent:patient', 'Patient');
    expect([ids(patients).sort(), ids(patients, 'include').sort()]).toEqual([['p1', 'p2'], ['a1', 'a2', 'a3']]);
  });

  it('refuses what a key set cannot answer, with a 400', async () => {
    for (const qs of ['patient.name=One', 'type:text=rest', '_sort=action', '_revinclude=Provenance:target', 'policy:below=http://x']) {
      const error = await fx.store.search(fx.query('AuditEvent', qs)).then(() => undefined, (e: unknown) => e);
      expect(error, qs).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).status, qs).toBe(400);
    }
    const reverse = await fx.store.search(fx.query('Patient', '_has:AuditEvent:patient:outcome=0')).then(() => undefined, (e: unknown) => e);
    expect((reverse as GatewayError).status).toBe(400);
  });
});

describe.each(enginesUnderTest())('audit log migration on %s', (engine) => {
  it('moves AuditEvents stored as resources into the log with the keys the writer would give them', async () => {
    const database = await openTestDatabase(engine, { migrate: false });
    try {
      const migrations = listMigrations();
      await migrate(database.db, migrations.filter((m) => m.version < 7));
      const old = [
        { ...event('old-1', 'p1', '2025-06-01T10:00:00Z', { agent: [{ who: { reference: 'Organization/org-req' }, name: 'Ward 7', requestor: true, policy: ['urn:policy:x'] }] }), meta: { versionId: '1', lastUpdated: '2025-06-01T10:00:01Z' } },
        { ...event('old-2', 'p2', '2025-06-02T10:00:00Z', { entity: [{ what: { reference: 'https://elsewhere.example/fhir/Patient/9' } }] }), meta: { versionId: '1', lastUpdated: '2025-06-02T10:00:01Z' } },
      ];
      for (const resource of old) {
        const [row] = await database.db.query<{ rid: number }>(
          `insert into resource (resource_type, id, version_id, last_updated, content) values ('AuditEvent', $1, 1, $2, $3::jsonb) returning rid`,
          [resource.id as string, resource.meta.lastUpdated, JSON.stringify(resource)],
        );
        await database.db.query(`insert into resource_version (rid, resource_type, id, version_id, last_updated, method, content) values ($1, 'AuditEvent', $2, 1, $3, 'POST', $4::jsonb)`, [row?.rid as number, resource.id as string, resource.meta.lastUpdated, JSON.stringify(resource)]);
        await writeIndexRows(database.db, [{ rid: row?.rid as number, resourceType: 'AuditEvent', rows: indexResource(resource, testRegistry(), TEST_BASE_URL) }], false);
      }
      await migrate(database.db, migrations);
      const moved = await database.db.query<{ id: string; recorded: Date; keys: string[]; content: AuditEvent }>('select id, recorded, keys, content from audit_event order by id');
      expect(moved.map((row) => row.id)).toEqual(['old-1', 'old-2']);
      for (const [i, row] of moved.entries()) {
        expect(row.content).toEqual(old[i]);
        expect(new Date(row.recorded).toISOString()).toBe(new Date(old[i]?.recorded as string).toISOString());
        expect([...row.keys].sort()).toEqual(auditKeys(indexResource(old[i] as AuditEvent, testRegistry(), TEST_BASE_URL)).sort());
      }
      for (const table of ['resource', 'resource_version', 'sp_token', 'sp_reference', 'sp_date', 'sp_string', 'resource_compartment']) {
        const [left] = await database.db.query<{ n: number }>(`select count(*)::int as n from ${table} where resource_type = 'AuditEvent'`);
        expect(left?.n, table).toBe(0);
      }
    } finally {
      await database.dispose();
    }
  });
});
