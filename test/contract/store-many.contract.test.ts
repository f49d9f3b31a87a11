/**
 * FhirStore contract for the multi-resource methods, on every engine under test: `updateMany` gives what
 * consecutive `update` calls give (results, versions, history, index rows, labels, validation, listener
 * changes), `findMany` reads and locks many resources at once, and `savepoint` units commit or roll back on
 * their own, each with its own listener pass.
 */
import type { Coding, Encounter, Patient, Resource } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/shared/errors.ts';
import type { FhirStore, ResourceChange, WriteListener } from '../../src/store/fhir-store.ts';
import { createPgStore } from '../../src/store/pg-store.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { type StoreFixture, TEST_BASE_URL, openStore, testRegistry } from '../support/store.ts';

const PSY: Coding = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' };

/** A labeller like the gateway's: a resource inherits the labels of the (non-Patient) resources it references. */
async function inheritLabels(resource: Resource, sql: { query<R>(text: string, params?: readonly unknown[]): Promise<R[]> }): Promise<Resource> {
  const refs = JSON.stringify(resource).match(/"reference":"([A-Za-z]+)\/([A-Za-z0-9.-]+)"/g) ?? [];
  const targets = refs.map((ref) => /"([A-Za-z]+)\/([A-Za-z0-9.-]+)"$/.exec(ref)).flatMap((m) => (m && m[1] !== 'Patient' ? [[m[1] as string, m[2] as string]] : []));
  if (targets.length === 0) return resource;
  const rows = await sql.query<{ security: Coding[] | null }>(
    `select content->'meta'->'security' as security from resource where not deleted and (resource_type, id) in (select * from unnest($1::text[], $2::text[]))`,
    [targets.map((t) => t[0] as string), targets.map((t) => t[1] as string)],
  );
  const labels = rows.flatMap((row) => row.security ?? []);
  if (labels.length === 0) return resource;
  const own = resource.meta?.security ?? [];
  const merged = [...own, ...labels.filter((l) => !own.some((o) => o.code === l.code))];
  return { ...resource, meta: { ...resource.meta, security: merged } };
}

const encounter = (id: string, patientId: string, status: Encounter['status'], extra: Partial<Encounter> = {}): Encounter => ({
  resourceType: 'Encounter', id, status, class: { code: 'IMP' }, subject: { reference: `Patient/${patientId}` }, ...extra,
});
const person = (id: string, family: string, extra: Partial<Patient> = {}): Patient => ({ resourceType: 'Patient', id, name: [{ family }], ...extra });

interface Twin {
  store: FhirStore;
  changes: ResourceChange[][];
}

describe.each(enginesUnderTest())('FhirStore updateMany, findMany and savepoint on %s', (engine) => {
  let fx: StoreFixture;
  let batched: Twin;
  let sequential: Twin;
  const twin = (prefix: string): Twin => {
    const changes: ResourceChange[][] = [];
    const listener: WriteListener = { beforeCommit: async (_tx, list) => void changes.push(list.map((c) => ({ ...c }))) };
    const store = createPgStore({
      db: fx.database.db, registry: testRegistry(), baseUrl: TEST_BASE_URL, clock: fx.clock, maxIncludes: 100, listeners: [listener],
      prepare: (resource, sql) => inheritLabels(resource, sql),
      validate: (resource) => {
        if (resource.resourceType === 'Encounter' && (resource as Encounter).status === ('bogus' as Encounter['status'])) throw new GatewayError('VAL-TEST', 'unprocessable', `${prefix}: invalid`);
      },
    });
    return { store, changes };
  };
  beforeAll(async () => {
    fx = await openStore(engine);
    batched = twin('batched');
    sequential = twin('sequential');
  });
  afterAll(() => fx.database.dispose());

  /** The same writes through updateMany (ids prefixed b-) and through consecutive updates (s-). */
  async function both(make: (prefix: string) => Resource[]) {
    const many = await batched.store.updateMany(make('b'));
    const one = await sequential.store.transaction(async (tx) => {
      const results = [];
      for (const resource of make('s')) results.push(await tx.update(resource));
      return results;
    });
    return { many, one };
  }
  const strip = (value: unknown): unknown => JSON.parse(JSON.stringify(value).replace(/(["/])[bs]-/g, '$1x-'));

  it('gives the results, versions, history, index rows and listener changes of consecutive updates', async () => {
    const first = await both((p) => [person(`${p}-pat1`, 'Ashworth'), encounter(`${p}-enc1`, `${p}-pat1`, 'in-progress')]);
    expect(strip(first.many)).toEqual(strip(first.one));
    expect(first.many.map((r) => [r.created, r.changed, r.resource.meta?.versionId])).toEqual([[true, true, '1'], [true, true, '1']]);
    fx.clock.advance(1000);
    // Unchanged Patient (not written), changed Encounter, new Encounter, the same Encounter twice.
    const second = await both((p) => [
      person(`${p}-pat1`, 'Ashworth'),
      encounter(`${p}-enc1`, `${p}-pat1`, 'finished'),
      encounter(`${p}-enc2`, `${p}-pat1`, 'planned'),
      encounter(`${p}-enc2`, `${p}-pat1`, 'arrived'),
    ]);
    expect(strip(second.many)).toEqual(strip(second.one));
    expect(second.many.map((r) => [r.created, r.changed, r.resource.meta?.versionId])).toEqual([[false, false, '1'], [false, true, '2'], [true, true, '1'], [false, true, '2']]);
    expect(strip(batched.changes)).toEqual(strip(sequential.changes));
    for (const p of ['b', 's']) {
      const history = await fx.store.history({ resourceType: 'Encounter', id: `${p}-enc2`, count: 10, offset: 0 });
      expect(history.entries.map((e) => [e.versionId, (e.resource as Encounter).status])).toEqual([['2', 'arrived'], ['1', 'planned']]);
      const found = await fx.store.search(fx.query('Encounter', `subject=Patient/${p}-pat1&status=finished`));
      expect(found.entries.map((e) => e.resource.id)).toEqual([`${p}-enc1`]);
      const compartment = await fx.store.everything({ patientId: `${p}-pat1`, count: 10, offset: 0 });
      expect(compartment.entries.map((e) => e.resource.id).sort()).toEqual([`${p}-enc1`, `${p}-enc2`, `${p}-pat1`]);
    }
  });

  it('labels a resource with the labels an earlier resource of the same call just got', async () => {
    const { many, one } = await both((p) => [
      { resourceType: 'Condition', id: `${p}-cond1`, meta: { security: [PSY] }, subject: { reference: `Patient/${p}-pat1` }, code: { text: 'x' } } as Resource,
      encounter(`${p}-enc3`, `${p}-pat1`, 'finished', { diagnosis: [{ condition: { reference: `Condition/${p}-cond1` } }] }),
    ]);
    expect(many[1]?.resource.meta?.security).toEqual([PSY]);
    expect(strip(many)).toEqual(strip(one));
  });

  it('writes nothing when one resource fails validation or has a bad id', async () => {
    const failing = [person('b-pat9', 'Nine'), encounter('b-enc9', 'b-pat9', 'bogus' as Encounter['status'])];
    await expect(batched.store.updateMany(failing)).rejects.toMatchObject({ code: 'VAL-TEST' });
    await expect(batched.store.updateMany([person('b-pat8', 'Eight'), person('has space', 'Bad')])).rejects.toMatchObject({ code: 'STO-BAD-ID' });
    expect(await fx.store.findMany([{ resourceType: 'Patient', id: 'b-pat9' }, { resourceType: 'Patient', id: 'b-pat8' }])).toEqual([undefined, undefined]);
  });

  it('finds many in order; missing and deleted ones are undefined', async () => {
    await fx.store.update(person('f-1', 'One'));
    await fx.store.update(person('f-2', 'Two'));
    await fx.store.delete('Patient', 'f-2');
    const found = await fx.store.findMany([{ resourceType: 'Patient', id: 'f-missing' }, { resourceType: 'Patient', id: 'f-1' }, { resourceType: 'Patient', id: 'f-2' }]);
    expect(found.map((r) => (r as Patient | undefined)?.name?.[0]?.family)).toEqual([undefined, 'One', undefined]);
    const locked = await fx.store.transaction(async (tx) => {
      const [before] = await tx.findMany([{ resourceType: 'Patient', id: 'f-1' }], { lock: true });
      await tx.updateMany([{ ...(before as Patient), gender: 'female' }]);
      return tx.findMany([{ resourceType: 'Patient', id: 'f-1' }], { lock: true });
    });
    expect((locked[0] as Patient).gender).toBe('female');
    expect((await fx.store.read('Patient', 'f-1')).meta?.versionId).toBe('2');
  });

  it('commits savepoint units on their own: a failing unit is undone, the others kept, each with its listener pass', async () => {
    const passes = batched.changes.length;
    const outcome = await batched.store.transaction(async (tx) => {
      const results: string[] = [];
      for (const id of ['u-1', 'u-2', 'u-3']) {
        try {
          await tx.savepoint(async (unit) => {
            await unit.updateMany([person(id, 'Unit')]);
            if (id === 'u-2') throw new GatewayError('TEST', 'unprocessable', 'unit fails');
          });
          results.push(`${id} ok`);
        } catch {
          results.push(`${id} undone`);
        }
      }
      return results;
    });
    expect(outcome).toEqual(['u-1 ok', 'u-2 undone', 'u-3 ok']);
    expect((await fx.store.findMany(['u-1', 'u-2', 'u-3'].map((id) => ({ resourceType: 'Patient', id })))).map((r) => r?.id)).toEqual(['u-1', undefined, 'u-3']);
    expect(batched.changes.slice(passes).map((list) => list.map((c) => c.id))).toEqual([['u-1'], ['u-3']]);
  });

  it('rolls a savepoint unit back with its transaction, and runs one outside a transaction as a transaction', async () => {
    await expect(
      batched.store.transaction(async (tx) => {
        await tx.savepoint((unit) => unit.updateMany([person('v-1', 'Kept?')]));
        throw new GatewayError('TEST', 'conflict', 'abort');
      }),
    ).rejects.toBeInstanceOf(GatewayError);
    expect(await fx.store.find('Patient', 'v-1')).toBeUndefined();
    await batched.store.savepoint((unit) => unit.updateMany([person('v-2', 'Alone')]));
    expect((await fx.store.read('Patient', 'v-2')).meta?.versionId).toBe('1');
  });
});
