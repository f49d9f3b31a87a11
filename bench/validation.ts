/**
 * Validation benchmark (PERFORMANCE.md §2.2, DESIGN.md §5): our full validation (input limits, the
 * discriminated FHIR R4 schema, profiles) against the peer, bare ajv 8 on the HL7 schema as shipped with its
 * root `oneOf` (the minimal config that compiles: draft-06 meta-schema, `discriminator` as an annotation,
 * `id`→`$id`, `strictTypes: false`). Also bare ajv on our derived schema, to show what the limits and
 * profiles add. Rounds of ~1 s after a warm-up, on the calling thread (run it under `taskset -c 0` to keep
 * it on one core); figures are min / median / max validations per second, ratios are of medians.
 * Run: `npx tsx bench/validation.ts` (`--quick` for short rounds).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import type { AllergyIntolerance, Bundle, Condition, Encounter, FhirResource, Observation, Patient } from 'fhir/r4.js';
import { buildAjvOptions, createDraft06Ajv, getDerivedFhirSchema } from '../src/validation/compile-fhir-schema.ts';
import { readPlainFhirSchema } from '../src/validation/fhir-schema.ts';
import { createValidator } from '../src/validation/validator.ts';

/** min / median / max of a series. */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

export interface ValidationBenchResult {
  /** `<validator> / <fixture>`. */
  name: string;
  opsPerSec: Spread;
  /** Median ops/s over the peer's median on the same fixture (1 for the peer itself). */
  ratio: number;
}

export interface CompileResult {
  name: string;
  ms: Spread;
}

export interface ValidationBenchReport {
  fixtures: { name: string; bytes: number }[];
  throughput: ValidationBenchResult[];
  compile: CompileResult[];
}

export interface ValidationBenchOptions {
  rounds?: number;
  roundMs?: number;
  warmupMs?: number;
  compileRuns?: number;
}

type Check = (resource: unknown) => boolean;

/** Runs the benchmark and returns its figures (also printed by the command-line entry). */
export async function runValidationBench(options: ValidationBenchOptions = {}): Promise<ValidationBenchReport> {
  const { rounds = 5, roundMs = 1000, warmupMs = 500, compileRuns = 3 } = options;
  const fixtures: [string, unknown][] = [
    ['Patient', buildPatient()],
    ['Encounter', buildEncounter()],
    ['Bundle(50)', buildSearchsetBundle()],
  ];
  const firstCreate = timeCompiles(1, () => createValidator());
  const ours = createValidator();
  const peer = compilePeer();
  const bare = createDraft06Ajv(buildAjvOptions('fast')).compile(getDerivedFhirSchema());
  const contenders: [string, Check][] = [
    ['ajv8 root oneOf (peer)', (resource) => peer(resource)],
    ['ajv8 discriminated, bare', (resource) => bare(resource)],
    ['carebridge validator', (resource) => ours.validate(resource).length === 0],
  ];
  for (const [name, check] of contenders) assertSane(name, check, fixtures);
  // Ceiling and machine yardstick: PERFORMANCE.md §2.4 measured 8,938 stringifies/s of a 55 KB Bundle.
  contenders.push(['JSON.stringify (ceiling)', (resource) => JSON.stringify(resource).length > 0]);

  const throughput: ValidationBenchResult[] = [];
  for (const [fixtureName, fixture] of fixtures) {
    for (const [, check] of contenders) measure(() => check(fixture), warmupMs);
    // Rounds take turns between contenders, so a noisy neighbour slows all of them alike and ratios hold.
    const series = contenders.map((): number[] => []);
    for (let round = 0; round < rounds; round++) {
      contenders.forEach(([, check], index) => series[index]?.push(measure(() => check(fixture), roundMs)));
    }
    const spreads = series.map(spread);
    const peerMedian = spreads[0]?.median ?? 1;
    contenders.forEach(([name], index) => {
      const opsPerSec = spreads[index] ?? spread([]);
      throughput.push({ name: `${name} / ${fixtureName}`, opsPerSec, ratio: opsPerSec.median / peerMedian });
    });
  }
  const compile: CompileResult[] = [
    { name: 'createValidator(), first in the process', ms: firstCreate },
    { name: 'createValidator(), schema already compiled', ms: timeCompiles(compileRuns, () => createValidator()) },
    { name: 'peer: ajv8 root oneOf', ms: timeCompiles(compileRuns, () => compilePeer()) },
    { name: 'ours: fast variant (allErrors false)', ms: timeCompiles(compileRuns, () => createDraft06Ajv(buildAjvOptions('fast')).compile(getDerivedFhirSchema())) },
    { name: 'ours: detailed variant (allErrors true)', ms: timeCompiles(compileRuns, () => createDraft06Ajv(buildAjvOptions('detailed')).compile(getDerivedFhirSchema())) },
  ];
  const sizes = fixtures.map(([name, fixture]) => ({ name, bytes: Buffer.byteLength(JSON.stringify(fixture)) }));
  return { fixtures: sizes, throughput, compile };
}

/** The peer: the HL7 schema as shipped, with only the fixes ajv 8 needs to compile it at all. */
function compilePeer(): ValidateFunction {
  const { id, ...rest } = readPlainFhirSchema();
  const ajv = new Ajv({ strictTypes: false });
  const metaSchema: unknown = createRequire(import.meta.url)('ajv/dist/refs/json-schema-draft-06.json');
  ajv.addMetaSchema(metaSchema as object);
  ajv.addKeyword({ keyword: 'discriminator', schemaType: 'object' });
  return ajv.compile({ $id: id, ...rest });
}

/** Every contender accepts every fixture and rejects a Patient with an invalid gender. */
function assertSane(name: string, check: Check, fixtures: [string, unknown][]): void {
  for (const [fixtureName, fixture] of fixtures) {
    if (!check(fixture)) throw new Error(`${name} rejects the ${fixtureName} fixture`);
  }
  if (check({ ...buildPatient(), gender: 'xyz' })) throw new Error(`${name} accepts gender "xyz"`);
}

/** Calls `run` for about `ms` milliseconds; returns calls per second. */
function measure(run: () => unknown, ms: number): number {
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 20; i++) run();
    calls += 20;
    elapsed = performance.now() - started;
  }
  return (calls * 1000) / elapsed;
}

function timeCompiles(runs: number, compile: () => unknown): Spread {
  return spread(
    Array.from({ length: runs }, () => {
      const started = performance.now();
      compile();
      return performance.now() - started;
    }),
  );
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0] ?? 0, median: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
}

function printReport(report: ValidationBenchReport): void {
  const round = (value: number) => Math.round(value).toLocaleString('en-US');
  console.log(`fixtures: ${report.fixtures.map(({ name, bytes }) => `${name} ${round(bytes)} B`).join(', ')}`);
  console.log('validations/s (min / median / max), ratio of medians to the peer');
  for (const { name, opsPerSec, ratio } of report.throughput) {
    console.log(`  ${name.padEnd(44)} ${round(opsPerSec.min)} / ${round(opsPerSec.median)} / ${round(opsPerSec.max)}   ×${ratio.toFixed(2)}`);
  }
  console.log('compile ms (min / median / max)');
  for (const { name, ms } of report.compile) console.log(`  ${name.padEnd(44)} ${round(ms.min)} / ${round(ms.median)} / ${round(ms.max)}`);
}

// Fixtures, shaped like those of PERFORMANCE.md §2.2: a Patient, an Encounter and a 50-entry searchset Bundle
// (Patient, Encounter, 3 Condition, 2 AllergyIntolerance, 43 Observation). Synthetic data built here; the
// Patient and Encounter claim our profiles, so the profile path is part of what is measured.

const PROFILE = 'https://carebridge.dev/fhir/StructureDefinition/';
const SNOMED = 'http://snomed.info/sct';
const LOINC = 'http://loinc.org';

function buildPatient(): Patient {
  return {
    resourceType: 'Patient',
    id: 'bench-patient-1',
    meta: { versionId: '3', lastUpdated: '2026-11-20T09:30:00.000Z', profile: [`${PROFILE}carebridge-patient`] },
    extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace', valueAddress: { city: 'Leeds', country: 'GB' } }],
    identifier: [
      { use: 'official', system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' },
      { use: 'usual', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, system: 'urn:oid:2.16.840.1.113883.2.1.4.1', value: 'MRN-0042317' },
    ],
    active: true,
    name: [{ use: 'official', family: 'Example', given: ['Alex', 'Jordan'], prefix: ['Mx'], period: { start: '1980-04-01' } }],
    telecom: [
      { system: 'phone', value: '+44 113 496 0000', use: 'home', rank: 1 },
      { system: 'email', value: 'alex@example.org', use: 'home' },
    ],
    gender: 'other',
    birthDate: '1980-04-01',
    address: [{ use: 'home', type: 'physical', line: ['1 Example Road', 'Flat 2'], city: 'Leeds', district: 'West Yorkshire', postalCode: 'LS1 4AP', country: 'GB' }],
    maritalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'M', display: 'Married' }] },
    contact: [{ relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0131', code: 'N' }] }], name: { family: 'Example', given: ['Sam'] }, telecom: [{ system: 'phone', value: '+44 113 496 0001' }] }],
    communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'en-GB' }] }, preferred: true }],
    generalPractitioner: [{ reference: 'Organization/gp-practice-1', display: 'Example Surgery' }],
    managingOrganization: { reference: 'Organization/hospital-1' },
  };
}

function buildEncounter(): Encounter {
  return {
    resourceType: 'Encounter',
    id: 'bench-encounter-1',
    meta: { versionId: '1', lastUpdated: '2026-11-20T09:30:00.000Z', profile: [`${PROFILE}carebridge-encounter`] },
    identifier: [{ system: 'https://hospital.example.org/visit', value: 'V-2026-000123' }],
    status: 'finished',
    statusHistory: [{ status: 'in-progress', period: { start: '2026-11-01T08:00:00Z', end: '2026-11-05T12:00:00Z' } }],
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP', display: 'inpatient encounter' },
    type: [{ coding: [{ system: SNOMED, code: '183807002', display: 'Inpatient stay' }] }],
    priority: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActPriority', code: 'EM' }] },
    subject: { reference: 'Patient/bench-patient-1' },
    participant: [
      { type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'ATND' }] }], individual: { reference: 'Practitioner/pr-1', display: 'Dr A Consultant' } },
      { type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'ADM' }] }], individual: { reference: 'Practitioner/pr-2' } },
    ],
    period: { start: '2026-11-01T08:00:00Z', end: '2026-11-05T12:00:00Z' },
    length: { value: 4, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' },
    reasonCode: [{ coding: [{ system: SNOMED, code: '233604007', display: 'Pneumonia' }] }],
    diagnosis: [{ condition: { reference: 'Condition/c-0' }, use: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/diagnosis-role', code: 'DD' }] }, rank: 1 }],
    hospitalization: {
      admitSource: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/admit-source', code: 'emd' }] },
      dischargeDisposition: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/discharge-disposition', code: 'home' }] },
    },
    location: [{ location: { reference: 'Location/ward-7', display: 'Ward 7' }, status: 'completed', period: { start: '2026-11-01T09:00:00Z', end: '2026-11-05T12:00:00Z' } }],
    serviceProvider: { reference: 'Organization/hospital-1' },
  };
}

function buildCondition(index: number): Condition {
  return {
    resourceType: 'Condition',
    id: `c-${index}`,
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }] }],
    code: { coding: [{ system: SNOMED, code: String(233604007 + index), display: `Condition ${index}` }], text: `Condition ${index}` },
    subject: { reference: 'Patient/bench-patient-1' },
    encounter: { reference: 'Encounter/bench-encounter-1' },
    onsetDateTime: '2026-10-30',
    recordedDate: '2026-11-01T10:15:00Z',
  };
}

function buildAllergy(index: number): AllergyIntolerance {
  return {
    resourceType: 'AllergyIntolerance',
    id: `a-${index}`,
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
    type: 'allergy',
    category: ['medication'],
    criticality: 'high',
    code: { coding: [{ system: SNOMED, code: String(91936005 + index), display: 'Allergy to penicillin' }] },
    patient: { reference: 'Patient/bench-patient-1' },
    recordedDate: '2020-02-03',
    reaction: [{ manifestation: [{ coding: [{ system: SNOMED, code: '271807003', display: 'Rash' }] }], severity: 'moderate' }],
  };
}

function buildObservation(index: number): Observation {
  return {
    resourceType: 'Observation',
    id: `o-${index}`,
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: LOINC, code: '8867-4', display: 'Heart rate' }], text: 'Heart rate' },
    subject: { reference: 'Patient/bench-patient-1' },
    encounter: { reference: 'Encounter/bench-encounter-1' },
    effectiveDateTime: `2026-11-0${1 + (index % 4)}T${String(10 + (index % 12)).padStart(2, '0')}:00:00Z`,
    issued: '2026-11-05T12:00:00.000Z',
    performer: [{ reference: 'Practitioner/pr-1' }],
    valueQuantity: { value: 60 + index, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
    interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'N' }] }],
    referenceRange: [{ low: { value: 50, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' }, high: { value: 100, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' } }],
  };
}

function buildSearchsetBundle(): Bundle {
  const resources: FhirResource[] = [
    buildPatient(),
    buildEncounter(),
    ...[0, 1, 2].map(buildCondition),
    ...[0, 1].map(buildAllergy),
    ...Array.from({ length: 43 }, (_, index) => buildObservation(index)),
  ];
  return {
    resourceType: 'Bundle',
    id: 'bench-searchset',
    meta: { lastUpdated: '2026-11-20T09:30:00.000Z' },
    type: 'searchset',
    total: resources.length,
    link: [{ relation: 'self', url: 'https://gateway.example.org/fhir/Patient/bench-patient-1/$everything' }],
    entry: resources.map((resource) => ({
      fullUrl: `https://gateway.example.org/fhir/${resource.resourceType}/${resource.id ?? ''}`,
      resource,
      search: { mode: 'match' as const },
    })),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  printReport(await runValidationBench(quick ? { rounds: 3, roundMs: 300, warmupMs: 200, compileRuns: 1 } : {}));
}
