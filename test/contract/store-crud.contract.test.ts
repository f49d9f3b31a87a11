/** FhirStore contract: create/read/vread/update/patch/delete/history, on every engine under test. */
import type { Patient, Resource } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/shared/errors.ts';
import type { ResourceChange } from '../../src/store/fhir-store.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { type StoreFixture, openStore } from '../support/store.ts';

const patient = (family: string): Patient => ({ resourceType: 'Patient', name: [{ family }], identifier: [{ system: 'urn:mrn', value: family }] });

async function expectError(promise: Promise<unknown>, category: string): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  expect((error as GatewayError).category).toBe(category);
  return error as GatewayError;
}

describe.each(enginesUnderTest())('FhirStore CRUD on %s', (engine) => {
  let fx: StoreFixture;
  const changes: ResourceChange[] = [];
  beforeAll(async () => {
    fx = await openStore(engine, [{ onChange: async (_tx, change) => void changes.push(change) }]);
  });
  afterAll(() => fx.database.dispose());

  it('creates with a server id, version 1 and lastUpdated from the clock', async () => {
    const created = await fx.store.create(patient('Create'));
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.meta).toMatchObject({ versionId: '1', lastUpdated: '2025-03-01T10:00:00.000Z' });
    expect(await fx.store.read('Patient', created.id as string)).toEqual(created);
    expect(changes.at(-1)).toMatchObject({ method: 'POST', resourceType: 'Patient', id: created.id, versionId: '1' });
  });

  it('keeps every version: update bumps the version, vread returns old ones', async () => {
    const created = await fx.store.create(patient('Versions'));
    fx.clock.advance(1000);
    const updated = await fx.store.update({ ...created, gender: 'female' });
    expect(updated).toMatchObject({ created: false, changed: true });
    expect(updated.resource.meta?.versionId).toBe('2');
    expect(updated.resource.meta?.lastUpdated).toBe('2025-03-01T10:00:01.000Z');
    const v1 = await fx.store.vread('Patient', created.id as string, '1');
    expect(v1).toEqual(created);
    expect((await fx.store.vread('Patient', created.id as string, '2')) as Patient).toMatchObject({ gender: 'female' });
    await expectError(fx.store.vread('Patient', created.id as string, '3'), 'not-found');
  });

  it('does not write a new version when the content is unchanged', async () => {
    const created = await fx.store.create(patient('Same'));
    const again = await fx.store.update({ ...created, meta: { versionId: '99' } });
    expect(again).toMatchObject({ changed: false, created: false });
    expect(again.resource.meta?.versionId).toBe('1');
  });

  it('updates as create with a client-chosen id', async () => {
    const result = await fx.store.update({ ...patient('ClientId'), id: 'client-chosen-1' });
    expect(result).toMatchObject({ created: true, changed: true });
    expect((await fx.store.read('Patient', 'client-chosen-1')).meta?.versionId).toBe('1');
  });

  it('rejects a stale If-Match with 412 and accepts the current one', async () => {
    const created = await fx.store.create(patient('IfMatch'));
    await expectError(fx.store.update({ ...created, active: true }, { ifMatch: '7' }), 'precondition-failed');
    const ok = await fx.store.update({ ...created, active: true }, { ifMatch: '1' });
    expect(ok.resource.meta?.versionId).toBe('2');
  });

  it('rejects invalid ids and unknown types', async () => {
    await expectError(fx.store.update({ ...patient('BadId'), id: 'has space' }), 'invalid');
    await expectError(fx.store.update({ resourceType: 'Unicorn', id: 'x' } as unknown as Patient), 'not-found');
  });

  it('patches with JSON Patch, honours test operations and refuses identity changes', async () => {
    const created = await fx.store.create(patient('Patch'));
    const id = created.id as string;
    const patched = (await fx.store.patch('Patient', id, [{ op: 'add', path: '/birthDate', value: '1970-01-01' }])) as Patient;
    expect(patched.birthDate).toBe('1970-01-01');
    expect(patched.meta?.versionId).toBe('2');
    await expectError(fx.store.patch('Patient', id, [{ op: 'test', path: '/birthDate', value: '1999-01-01' }]), 'unprocessable');
    await expectError(fx.store.patch('Patient', id, [{ op: 'replace', path: '/id', value: 'other' }]), 'unprocessable');
    await expectError(fx.store.patch('Patient', id, [{ op: 'bogus', path: '/x' } as never]), 'invalid');
    await expectError(fx.store.patch('Patient', 'missing', [{ op: 'add', path: '/active', value: true }]), 'not-found');
  });

  it('soft-deletes: read gives 410, vread of an old version still works, delete is idempotent', async () => {
    const created = await fx.store.create(patient('Delete'));
    const id = created.id as string;
    await fx.store.delete('Patient', id);
    await expectError(fx.store.read('Patient', id), 'gone');
    await expectError(fx.store.vread('Patient', id, '2'), 'gone');
    expect(await fx.store.vread('Patient', id, '1')).toEqual(created);
    await fx.store.delete('Patient', id);
    await fx.store.delete('Patient', 'never-existed');
    expect(await fx.store.find('Patient', id)).toBeUndefined();
    expect(changes.at(-1)).toMatchObject({ method: 'DELETE', id, versionId: '2' });
    // Recreating after delete continues the version sequence.
    const revived = await fx.store.update({ ...patient('Delete'), id });
    expect(revived).toMatchObject({ created: true });
    expect(revived.resource.meta?.versionId).toBe('3');
  });

  it('reads history at instance, type and system level, newest first, with _since and paging', async () => {
    fx.clock.set('2025-04-01T00:00:00.000Z');
    const created = await fx.store.create<Resource>({ resourceType: 'Practitioner', name: [{ family: 'Hist' }] } as Resource);
    const id = created.id as string;
    fx.clock.advance(1000);
    await fx.store.update({ ...created, active: true });
    fx.clock.advance(1000);
    await fx.store.delete('Practitioner', id);
    const instance = await fx.store.history({ resourceType: 'Practitioner', id, count: 10, offset: 0 });
    expect(instance.entries.map((e) => [e.versionId, e.method])).toEqual([['3', 'DELETE'], ['2', 'PUT'], ['1', 'POST']]);
    expect(instance.entries[0]?.resource).toBeUndefined();
    const page = await fx.store.history({ resourceType: 'Practitioner', id, count: 2, offset: 0 });
    expect(page.hasMore).toBe(true);
    const since = await fx.store.history({ resourceType: 'Practitioner', since: '2025-04-01T00:00:01.000Z', count: 10, offset: 0 });
    expect(since.entries).toHaveLength(2);
    const system = await fx.store.history({ count: 1, offset: 0 });
    expect(system.entries[0]).toMatchObject({ resourceType: 'Practitioner', method: 'DELETE' });
  });

  it('creates many resources at once, indexed and versioned, and refuses a duplicate id', async () => {
    const before = changes.length;
    const created = await fx.store.createMany([patient('ManyA'), patient('ManyB'), { ...patient('ManyC'), id: 'many-c' }]);
    expect(created.map((p) => p.meta?.versionId)).toEqual(['1', '1', '1']);
    expect(created[2]?.id).toBe('many-c');
    expect(await fx.store.read('Patient', created[0]?.id as string)).toEqual(created[0]);
    const found = await fx.store.search(fx.query('Patient', 'family=many'));
    expect(found.entries).toHaveLength(3);
    expect(changes.length - before).toBe(3);
    expect((await fx.store.history({ resourceType: 'Patient', id: 'many-c', count: 5, offset: 0 })).entries).toHaveLength(1);
    await expectError(fx.store.createMany([{ ...patient('Dup'), id: 'many-c' }]), 'conflict');
  });

  it('rolls back everything in a failed transaction, listener writes included', async () => {
    await expectError(
      fx.store.transaction(async (tx) => {
        await tx.update({ ...patient('Rollback'), id: 'rollback-1' });
        throw new GatewayError('TEST', 'conflict', 'abort');
      }),
      'conflict',
    );
    expect(await fx.store.find('Patient', 'rollback-1')).toBeUndefined();
    const result = await fx.store.search(fx.query('Patient', 'family=Rollback'));
    expect(result.entries).toHaveLength(0);
  });
});
