/**
 * Seeding the benchmark database through the store's `createMany` (a store built with `createPgStore`, no
 * write listeners and no validation: the generated data is valid by construction and API writes are measured
 * separately), in rounds. After each round the same resources, as JSON, go into a scratch table with one raw
 * `INSERT … SELECT unnest(…)` per batch (PERFORMANCE.md §5 item 3), so both rates come from the same run.
 */
import type { Patient, Resource } from 'fhir/r4.js';
import { systemClock } from '../../src/shared/clock.ts';
import type { Database } from '../../src/store/db.ts';
import type { FhirStore } from '../../src/store/fhir-store.ts';
import { createPgStore } from '../../src/store/pg-store.ts';
import type { SearchParamRegistry } from '../../src/store/search-parameters.ts';
import { bigPatient, encounter, patient, prng } from './fixtures.ts';

/** How much to seed. */
export interface SeedPlan {
  patients: number;
  encountersPerPatient: number;
  /** Resources per `createMany` call and per raw insert statement. */
  batchSize: number;
  rounds: number;
}

/** What the API benchmarks need to know about the seeded data, and the seeding rates per round. */
export interface SeedOutcome {
  /** Patient ids in seeding order; patient number n has MRN `mrn(n)`. */
  patientIds: string[];
  /** The first patients as stored (for the bare node:http peer). */
  sample: Map<string, Patient>;
  bigPatientId: string;
  bigPatientResources: number;
  /** Resources per second through `createMany`, per round. */
  storeRates: number[];
  /** Resources per second of raw `INSERT … unnest` of the same JSON, per round. */
  rawRates: number[];
  totalResources: number;
}

const SAMPLE_SIZE = 10_000;

/** Seeds `plan` into `db` (already migrated); `log` receives progress lines. */
export async function seedDatabase(db: Database, registry: SearchParamRegistry, baseUrl: string, plan: SeedPlan, log: (line: string) => void): Promise<SeedOutcome> {
  const store = createPgStore({ db, registry, baseUrl, clock: systemClock, maxIncludes: 1000 });
  await db.exec('create table bench_raw (id text primary key, resource_type text not null, last_updated timestamptz not null default now(), content jsonb not null)');
  const rand = prng(20261124);
  const outcome: SeedOutcome = { patientIds: [], sample: new Map(), bigPatientId: '', bigPatientResources: 0, storeRates: [], rawRates: [], totalResources: 0 };
  const perRound = Math.ceil(plan.patients / plan.rounds);
  for (let round = 0; round < plan.rounds; round++) {
    const first = round * perRound;
    const last = Math.min(plan.patients, first + perRound);
    const resources: Resource[] = [];
    for (let n = first; n < last; n++) {
      const p = patient(n, rand);
      outcome.patientIds.push(p.id as string);
      if (outcome.sample.size < SAMPLE_SIZE) outcome.sample.set(p.id as string, p);
      resources.push(p);
      for (let e = 0; e < plan.encountersPerPatient; e++) resources.push(encounter(p.id as string, rand));
    }
    const batches = chunk(resources, plan.batchSize);
    const storeMs = await timed(async () => {
      for (const batch of batches) await storeBatch(store, batch, outcome);
    });
    const rawMs = await timed(async () => {
      for (const batch of batches) await rawBatch(db, batch);
    });
    outcome.storeRates.push((resources.length * 1000) / storeMs);
    outcome.rawRates.push((resources.length * 1000) / rawMs);
    outcome.totalResources += resources.length;
    log(`seed round ${round + 1}/${plan.rounds}: ${resources.length} resources, createMany ${Math.round(outcome.storeRates.at(-1) ?? 0)}/s, raw unnest ${Math.round(outcome.rawRates.at(-1) ?? 0)}/s`);
  }
  const big = bigPatient(rand);
  await store.createMany([big.patient]);
  for (const batch of chunk(big.resources, plan.batchSize)) await store.createMany(batch);
  outcome.bigPatientId = big.patient.id as string;
  outcome.bigPatientResources = big.resources.filter((r) => r.resourceType !== 'Organization').length;
  await db.exec('drop table bench_raw');
  await db.exec('analyze');
  return outcome;
}

async function storeBatch(store: FhirStore, batch: Resource[], outcome: SeedOutcome): Promise<void> {
  const stored = await store.createMany(batch);
  for (const resource of stored) {
    if (resource.resourceType === 'Patient' && outcome.sample.has(resource.id as string)) outcome.sample.set(resource.id as string, resource as Patient);
  }
}

async function rawBatch(db: Database, batch: Resource[]): Promise<void> {
  await db.query(
    'insert into bench_raw (id, resource_type, content) select i, t, c::jsonb from unnest($1::text[], $2::text[], $3::text[]) as x(i, t, c)',
    [batch.map((r) => `${r.resourceType}/${r.id as string}`), batch.map((r) => r.resourceType), batch.map((r) => JSON.stringify(r))],
  );
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Seeds `count` Patients quickly (one `createMany` per 500); returns them as stored, by id. */
export async function seedPatients(db: Database, registry: SearchParamRegistry, baseUrl: string, count: number): Promise<Map<string, Patient>> {
  const store = createPgStore({ db, registry, baseUrl, clock: systemClock, maxIncludes: 1000 });
  const rand = prng(4242);
  const stored = new Map<string, Patient>();
  for (const batch of chunk(Array.from({ length: count }, (_, n) => patient(n, rand)), 500)) {
    for (const p of await store.createMany(batch)) stored.set(p.id as string, p);
  }
  return stored;
}
