/**
 * "Consent" benchmark, per engine: what consent enforcement costs on the two heaviest read paths, measured
 * against the same gateway with consent removed from its access layer (bench/lib/baseline.ts), in the same
 * run on the same database:
 *  - a search returning a 100-resource page drawn from 120 patients, a third of them with a consent that
 *    has nested provisions and a tenth with a deny for the requesting organization (each patient decided is
 *    audited: a hundred AuthZ-Consent AuditEvents per request);
 *  - a search returning a 100-resource page of one patient;
 *  - `Patient/{id}/$everything` for a patient with 500 resources (20 of them labelled PSY, withheld) and a
 *    consent with a nested actor provision.
 * Target (issue: consent): enforcement costs at most 20% of throughput, i.e. on/off ≥ 0.8.
 */
import type { Bundle, Condition, Consent, Encounter, Observation, Organization, Patient, Resource } from 'fhir/r4.js';
import { startWithoutConsent } from './lib/baseline.ts';
import { openBenchDatabase, type Engine } from './lib/database.ts';
import { accessToken, registerBenchClient, startGateway } from './lib/gateway.ts';
import type { Figure } from './lib/report.ts';
import { type RoundPlan, compareRounds, loadContender, summaries, throughputFigure } from './lib/rounds.ts';
import { expectStatus, httpRequest } from './lib/timing.ts';
import type { FhirStore } from '../src/store/fhir-store.ts';

export interface ConsentBenchOptions {
  engine: Engine;
  quick: boolean;
  log(line: string): void;
}

const ACT = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const LOINC = 'http://loinc.org';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
const HEART_RATE = '8867-4';
const POPULATION = 120;

export async function runConsentBench(options: ConsentBenchOptions): Promise<Figure[]> {
  const { engine, quick, log } = options;
  const section = `consent · ${engine}`;
  const plan: RoundPlan = quick ? { rounds: 3, roundMs: 1000, warmupMs: 0 } : { rounds: 3, roundMs: 10_000, warmupMs: 2000 };
  const database = await openBenchDatabase(engine, 10);
  const stops: (() => Promise<void>)[] = [];
  try {
    const gateway = await startGateway(database.db);
    stops.push(() => gateway.close());
    const client = await registerBenchClient(gateway.app, 'ES384');
    const store = gateway.app.store.as({ channel: 'system', activity: 'bench-seed' });
    log(`${section}: seeding ${POPULATION} patients with a heart-rate Observation each, their consents, and a 500-resource patient`);
    await store.update<Organization>({ resourceType: 'Organization', id: 'org-bench', name: 'Benchmark hospital', identifier: [{ system: 'urn:bench:org', value: 'BENCH' }] });
    const denied = await seedPopulation(store);
    const big = await seedBigPatient(store);

    const withoutConsent = await startWithoutConsent(gateway.app);
    stops.push(withoutConsent.close);
    const searchPath = `/fhir/Observation?code=${encodeURIComponent(`${LOINC}|${HEART_RATE}`)}&_count=100`;
    const patientSearchPath = `/fhir/Observation?subject=Patient/${big.patientId}&_count=100`;
    const everythingPath = `/fhir/Patient/${big.patientId}/$everything?_count=1000`;
    const headers = async () => ({ authorization: `Bearer ${await accessToken(gateway, client)}` });
    const entries = async (origin: string, path: string) => {
      const response = expectStatus(await httpRequest(`${origin}${path}`, { headers: await headers() }), 200, path);
      return ((JSON.parse(response.body) as Bundle).entry ?? []).length;
    };
    const counts = {
      searchOn: await entries(gateway.origin, searchPath),
      searchOff: await entries(withoutConsent.origin, searchPath),
      patientOn: await entries(gateway.origin, patientSearchPath),
      patientOff: await entries(withoutConsent.origin, patientSearchPath),
      everythingOn: await entries(gateway.origin, everythingPath),
      everythingOff: await entries(withoutConsent.origin, everythingPath),
    };
    log(`${section}: entries with/without consent: search ${counts.searchOn}/${counts.searchOff}, $everything ${counts.everythingOn}/${counts.everythingOff}`);

    const pair = (path: string, connections: number) => [
      loadContender('consent enforced (the gateway as shipped)', async (durationSec) => ({ url: gateway.origin, connections, durationSec, method: 'GET', headers: await headers(), paths: [path] }), gateway.idle),
      loadContender('consent removed (scopes and REST audit only)', async (durationSec) => ({ url: withoutConsent.origin, connections, durationSec, method: 'GET', headers: await headers(), paths: [path] }), withoutConsent.idle),
    ];
    const figure = (name: string, measured: Awaited<ReturnType<typeof compareRounds>>, notes: string[]): Figure[] => {
      const [on, off] = measured as [(typeof measured)[number], (typeof measured)[number]];
      const ratio = summaries(on).rate.median / summaries(off).rate.median;
      return [
        throughputFigure(section, name, on, [off], {
          targets: () => [{ text: 'consent enforcement costs ≤ 20% (on/off ≥ 0.80)', met: ratio >= 0.8, ...(ratio >= 0.8 ? {} : { gap: `on/off = ${ratio.toFixed(2)}` }) }],
          notes,
        }),
        throughputFigure(section, `peer: ${off.label}`, off, []),
      ];
    };

    const connections = quick ? 4 : 10;
    log(`${section}: search, 100-resource page`);
    const search = await compareRounds(pair(searchPath, connections), plan, log);
    log(`${section}: search, 100-resource page of one patient`);
    const patientSearch = await compareRounds(pair(patientSearchPath, connections), plan, log);
    log(`${section}: $everything, 500-resource patient`);
    const everything = await compareRounds(pair(everythingPath, connections), plan, log);
    return [
      ...figure(`GET Observation?code=…&_count=100 (${connections} connections)`, search, [
        `page drawn from ${POPULATION} patients: ${Math.round(POPULATION / 3)} with a permit + nested PSY deny, ${denied} with a deny for the requesting organization`,
        `entries returned: ${counts.searchOn} with consent, ${counts.searchOff} without`,
      ]),
      ...figure(`GET Observation?subject=Patient/{id}&_count=100 (${connections} connections)`, patientSearch, [
        'one patient (the 500-resource one): one consent read, one AuthZ-Consent audit event per request',
        `entries returned: ${counts.patientOn} with consent, ${counts.patientOff} without`,
      ]),
      ...figure(`GET Patient/{id}/$everything?_count=1000, 500 resources (${connections} connections)`, everything, [
        'consent: permit with a nested actor deny for another organization; 20 PSY Conditions withheld (no permit names PSY)',
        `entries returned: ${counts.everythingOn} with consent, ${counts.everythingOff} without`,
      ]),
    ];
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await database.dispose();
  }
}

function privacyConsent(patientId: string, provision: Consent['provision']): Consent {
  return {
    resourceType: 'Consent',
    status: 'active',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
    category: [{ coding: [{ system: LOINC, code: '59284-0' }] }],
    patient: { reference: `Patient/${patientId}` },
    policyRule: { coding: [{ system: ACT, code: 'OPTIN' }] },
    provision,
  };
}

const actor = (organization: string) => ({
  role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] },
  reference: { reference: `Organization/${organization}` },
});

/** The search population; returns how many patients deny the benchmark organization. */
async function seedPopulation(store: FhirStore): Promise<number> {
  const patients = await store.createMany(Array.from({ length: POPULATION }, (_, i): Patient => ({ resourceType: 'Patient', identifier: [{ system: 'urn:bench:consent', value: String(i) }], name: [{ family: `Consent${i}` }] })));
  await store.createMany(patients.map((p, i): Observation => ({
    resourceType: 'Observation', status: 'final', code: { coding: [{ system: LOINC, code: HEART_RATE }] }, subject: { reference: `Patient/${p.id}` },
    effectiveDateTime: '2026-11-01T10:00:00Z', valueQuantity: { value: 60 + (i % 40), unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  })));
  const consents: Consent[] = [];
  let denied = 0;
  for (const [i, p] of patients.entries()) {
    const id = p.id as string;
    if (i % 10 === 1) {
      consents.push(privacyConsent(id, { type: 'permit', provision: [{ type: 'deny', actor: [actor('org-bench')] }] }));
      denied++;
    } else if (i % 3 === 0) {
      consents.push(privacyConsent(id, { type: 'permit', provision: [{ type: 'deny', securityLabel: [{ system: ACT, code: 'PSY' }] }] }));
    }
  }
  await store.createMany(consents);
  return denied;
}

/** One patient with 150 Encounters, 250 Observations and 100 Conditions (20 of them mental health). */
async function seedBigPatient(store: FhirStore): Promise<{ patientId: string }> {
  const patient = await store.create<Patient>({ resourceType: 'Patient', identifier: [{ system: 'urn:bench:consent', value: 'big' }], name: [{ family: 'Everything' }] });
  const subject = { reference: `Patient/${patient.id}` };
  const encounters = await store.createMany(Array.from({ length: 150 }, (_, i): Encounter => ({
    resourceType: 'Encounter', status: 'finished', class: { system: ACT, code: i % 5 === 0 ? 'IMP' : 'AMB' }, subject,
    period: { start: new Date(Date.UTC(2020, 0, 1 + i * 7)).toISOString(), end: new Date(Date.UTC(2020, 0, 1 + i * 7, 2)).toISOString() },
  })));
  const encounterOf = (i: number) => ({ reference: `Encounter/${encounters[i % encounters.length]?.id}` });
  const resources: Resource[] = [
    ...Array.from({ length: 250 }, (_, i): Observation => ({
      resourceType: 'Observation', status: 'final', code: { coding: [{ system: LOINC, code: HEART_RATE }] }, subject, encounter: encounterOf(i),
      effectiveDateTime: new Date(Date.UTC(2020, 0, 1 + i * 4)).toISOString(), valueQuantity: { value: 60 + (i % 40), unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
    })),
    ...Array.from({ length: 100 }, (_, i): Condition => ({
      resourceType: 'Condition', subject, encounter: encounterOf(i * 3),
      code: { coding: [{ system: ICD10, code: i < 20 ? 'F32.1' : ['I10', 'E11.9', 'J45.9', 'M54.5'][i % 4] as string }] },
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    })),
  ];
  await store.createMany(resources);
  await store.create(privacyConsent(patient.id as string, { type: 'permit', provision: [{ type: 'deny', actor: [actor('org-elsewhere')] }] }));
  return { patientId: patient.id as string };
}
