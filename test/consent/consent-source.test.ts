/**
 * What consent enforcement reads (consent-source.ts): the stored compartments of resources and their patients'
 * consents in one statement; and, batched, the reads made at the same time served together, each still
 * getting everything it asked for and nothing read before its call (a withdrawal applies to the next read).
 */
import type { Consent, Observation, Patient } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchedConsentSource, createConsentSource } from '../../src/consent/consent-source.ts';
import { systemClock } from '../../src/shared/clock.ts';
import type { SqlClient } from '../../src/store/db.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { type StoreFixture, openStore } from '../support/store.ts';

const consent = (id: string, patient: string, status: Consent['status']): Consent => ({
  resourceType: 'Consent', id, status,
  scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
  category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
  patient: { reference: `Patient/${patient}` },
  policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTOUT' }] },
});

describe.each(enginesUnderTest())('consent source on %s', (engine) => {
  let fx: StoreFixture;
  beforeAll(async () => {
    fx = await openStore(engine);
    for (const id of ['cs-p1', 'cs-p2', 'cs-p3']) await fx.store.update({ resourceType: 'Patient', id } as Patient);
    for (const [id, patient] of [['cs-o1', 'cs-p1'], ['cs-o2', 'cs-p2']]) {
      await fx.store.update({ resourceType: 'Observation', id, status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${patient}` } } as Observation);
    }
    await fx.store.update(consent('cs-c1', 'cs-p1', 'active'));
    await fx.store.update(consent('cs-c2', 'cs-p2', 'inactive'));
  });
  afterAll(() => fx.database.dispose());

  it('serves reads made at the same time with one statement, each with the facts it asked for', async () => {
    const inner = createConsentSource(systemClock);
    let statements = 0;
    const counting: SqlClient = { query: (sql, params) => { statements++; return fx.store.sql.query(sql, params); } };
    const source = batchedConsentSource(inner);
    const [first, second, third] = await Promise.all([
      source.read(counting, [{ type: 'Observation', id: 'cs-o1' }], []),
      source.read(counting, [{ type: 'Observation', id: 'cs-o2' }], []),
      source.read(counting, [], ['cs-p3']),
    ]);
    expect(statements).toBe(1);
    expect(first?.compartments.get('Observation/cs-o1')).toEqual(['cs-p1']);
    expect(first?.consents.get('cs-p1')?.map((c) => c.id)).toEqual(['cs-c1']);
    expect(second?.compartments.get('Observation/cs-o2')).toEqual(['cs-p2']);
    expect(second?.consents.get('cs-p2')?.map((c) => c.id)).toEqual(['cs-c2']);
    expect(third?.consents.get('cs-p3')).toEqual([]);
    // The unbatched source answers the same for each on its own.
    const alone = await inner.read(fx.store.sql, [{ type: 'Observation', id: 'cs-o1' }], []);
    expect(alone.compartments.get('Observation/cs-o1')).toEqual(first?.compartments.get('Observation/cs-o1'));
    expect(alone.consents.get('cs-p1')).toEqual(first?.consents.get('cs-p1'));
  });

  it('never answers a read from a statement that started before the call', async () => {
    const source = batchedConsentSource(createConsentSource(systemClock));
    const before = source.read(fx.store.sql, [], ['cs-p3']);
    // Called while the first read runs: it must see a consent written after that read began.
    await fx.store.update(consent('cs-c3', 'cs-p3', 'active'));
    const after = source.read(fx.store.sql, [], ['cs-p3']);
    await before;
    expect((await after).consents.get('cs-p3')?.map((c) => c.id)).toEqual(['cs-c3']);
  });
});
