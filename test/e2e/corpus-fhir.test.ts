/**
 * Resources written by others: the Synthea bundles load as written (hospital and practitioner batches first,
 * then the patients' transactions with conditional references), and the official R4 examples round-trip.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Bundle, Encounter, Patient } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enginesUnderTest } from '../support/databases.ts';
import { type TestApp, jsonBody, startTestApp } from '../support/app.ts';

const CORPUS = path.resolve(import.meta.dirname, '../../../shared/corpus/fhir-r4');
const SYNTHEA = path.join(CORPUS, 'synthea-bundles');
const EXAMPLES = path.join(CORPUS, 'official-examples-via-microsoft-fhir-server');
const INVALID = new Set(['PatientMissingResourceType.json', 'PatientWithUnknownElements.json']);

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;

describe.each(enginesUnderTest())('corpus on %s', (engine) => {
  let t: TestApp;

  /** The example's Observations name their Patient by a conditional reference: refused until it exists. */
  async function checkConditionalTransaction(bundle: Bundle) {
    const refused = await t.api('', jsonBody(bundle));
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
    const mine = '/Observation?code=8331-1&subject:Patient.identifier=http:/example.org/fhir/ids|234234';
    expect(((await (await t.api(mine)).json()) as Bundle).entry ?? []).toHaveLength(0);
    const patient = (await (await t.api('/Patient', jsonBody({ resourceType: 'Patient', identifier: [{ system: 'http:/example.org/fhir/ids', value: '234234' }] }))).json()) as Patient;
    const accepted = await t.api('', jsonBody(bundle));
    expect(accepted.status).toBe(200);
    const observations = (await (await t.api(mine)).json()) as Bundle;
    expect(observations.entry?.length).toBeGreaterThan(0);
    expect(observations.entry?.map((e) => (e.resource as { subject?: { reference?: string } }).subject?.reference)).toContain(`Patient/${patient.id}`);
  }
  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(() => t.close());

  it('loads the Synthea bundles and reads each patient back with its encounters', { timeout: 240_000 }, async () => {
    const files = fs.readdirSync(SYNTHEA).sort((a, b) => Number(!a.startsWith('0-')) - Number(!b.startsWith('0-')) || a.localeCompare(b));
    for (const file of files) {
      const bundle = readJson(path.join(SYNTHEA, file)) as unknown as Bundle;
      const response = await t.api('', jsonBody(bundle));
      const result = (await response.json()) as Bundle;
      expect(response.status, file).toBe(200);
      const failures = result.entry?.filter((e) => !/^20[01]/.test(e.response?.status ?? '')) ?? [];
      expect(failures, file).toEqual([]);
      if (bundle.type !== 'transaction') continue;
      const patient = bundle.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource as Patient;
      const identifier = patient.identifier?.[0];
      const found = (await (await t.api(`/Patient?identifier=${encodeURIComponent(`${identifier?.system}|${identifier?.value}`)}`)).json()) as Bundle;
      expect(found.entry, file).toHaveLength(1);
      const id = found.entry?.[0]?.resource?.id as string;
      const expected = bundle.entry?.filter((e) => e.resource?.resourceType === 'Encounter').length ?? 0;
      const encounters = (await (await t.api(`/Encounter?subject=Patient/${id}&_count=1000`)).json()) as Bundle;
      expect(encounters.entry?.length ?? 0, file).toBe(expected);
      const practitioner = (encounters.entry?.[0]?.resource as Encounter | undefined)?.participant?.[0]?.individual?.reference;
      if (practitioner) expect(practitioner).toMatch(/^Practitioner\/[\w-]+$/);
    }
  });

  it('round-trips the official R4 examples and rejects the invalid Patients with 4xx OperationOutcomes', async () => {
    for (const file of fs.readdirSync(EXAMPLES).sort()) {
      const resource = readJson(path.join(EXAMPLES, file));
      if (INVALID.has(file)) {
        const response = await t.api('/Patient', jsonBody(resource));
        expect(response.status, file).toBeGreaterThanOrEqual(400);
        expect(response.status, file).toBeLessThan(500);
        expect(((await response.json()) as { resourceType: string }).resourceType, file).toBe('OperationOutcome');
        continue;
      }
      const type = resource.resourceType as string;
      if (type === 'Bundle' && (resource as unknown as Bundle).type === 'transaction') {
        await checkConditionalTransaction(resource as unknown as Bundle);
        continue;
      }
      if (type === 'AuditEvent') {
        // The audit trail is written by the gateway only; the example must still be valid FHIR.
        expect((await t.api('/AuditEvent', jsonBody(resource))).status, file).toBe(403);
        expect((await t.api('/AuditEvent/$validate', jsonBody(resource))).status, file).toBe(200);
        continue;
      }
      if (type === 'Subscription') {
        // Valid R4, but a query-criteria Subscription: only topic-based (backport) subscriptions are accepted.
        expect((await t.api('/Subscription/$validate', jsonBody(resource))).status, file).toBe(200);
        const refused = await t.api('/Subscription', jsonBody(resource));
        expect(refused.status, file).toBe(422);
        const outcome = (await refused.json()) as { resourceType: string; issue: { diagnostics?: string }[] };
        expect(outcome.resourceType, file).toBe('OperationOutcome');
        expect(outcome.issue[0]?.diagnostics, file).toMatch(/topic canonicals/);
        continue;
      }
      const response = await t.api(`/${type}`, jsonBody(resource));
      expect(response.status, file).toBe(201);
      const created = (await response.json()) as Record<string, unknown>;
      const read = (await (await t.api(`/${type}/${created.id as string}`)).json()) as Record<string, unknown>;
      const strip = ({ id: _id, meta: _meta, ...rest }: Record<string, unknown>) => rest;
      expect(strip(read), file).toEqual(strip(resource));
    }
  });
});
