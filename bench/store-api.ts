/**
 * "FHIR store and REST core" benchmark, per engine: seeding through `createMany` against raw `INSERT … unnest`,
 * then the real gateway (createApp + node:http, real SMART token) under autocannon load for read, create,
 * token search and date search, and sequential latency of a 100-entry transaction and `$everything` (500).
 * Peers in the same run: bare node:http, Express "hello", direct SQL, @medplum/fhir-router (MemoryRepository).
 */
import { openBenchDatabase, type Engine } from './lib/database.ts';
import { MRN_SYSTEM, mrn, patient, prng, spanDate, transactionBundle } from './lib/fixtures.ts';
import { accessToken, type BenchGateway, registerBenchClient, startGateway } from './lib/gateway.ts';
import type { LoadJob } from './lib/load.ts';
import { startMedplumPeer } from './lib/medplum-peer.ts';
import { directSqlContender, startBarePatientServer, startExpressHello } from './lib/peers.ts';
import { type Figure, atLeast, atMost } from './lib/report.ts';
import { type Contender, type RoundPlan, compareRounds, latencyFigure, loadContender, throughputFigure } from './lib/rounds.ts';
import { seedDatabase } from './lib/seed.ts';
import { latencyRound, summarize } from './lib/stats.ts';
import { expectStatus, httpRequest, sequential, shuffled } from './lib/timing.ts';

/** How the orchestrator runs this bench. */
export interface StoreApiOptions {
  engine: Engine;
  quick: boolean;
  log(line: string): void;
}

const FHIR_JSON = 'application/fhir+json';

/** Runs the bench on one engine and returns its figures. */
export async function runStoreApiBench(options: StoreApiOptions): Promise<Figure[]> {
  const { engine, quick, log } = options;
  const section = `store-api · ${engine}`;
  // --quick: 1 s rounds without warm-up and fewer connections, so heavy endpoints still answer within a round.
  const plan: RoundPlan = quick ? { rounds: 3, roundMs: 1000, warmupMs: 0 } : { rounds: 3, roundMs: 10_000, warmupMs: 2000 };
  const CONNECTIONS = quick ? 10 : 50;
  const seedPlan = { patients: quick ? 1000 : 100_000, encountersPerPatient: 3, batchSize: 500, rounds: quick ? 3 : 4 };
  const database = await openBenchDatabase(engine, 10);
  const stops: (() => Promise<void>)[] = [];
  try {
    const gateway = await startGateway(database.db);
    stops.push(() => gateway.close());
    log(`${section}: seeding ${seedPlan.patients} Patients × (1 + ${seedPlan.encountersPerPatient} Encounters) + a 500-resource patient`);
    const seed = await seedDatabase(database.db, gateway.app.registry, gateway.app.config.baseUrl, seedPlan, log);
    const figures: Figure[] = [seedFigure(section, seed, seedPlan.batchSize)];
    const client = await registerBenchClient(gateway.app, 'ES384');
    const rand = prng(7);
    const authed = async (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${await accessToken(gateway, client)}`, ...extra });
    const getJob = (paths: string[]) => async (durationSec: number): Promise<LoadJob> => ({ url: gateway.origin, connections: CONNECTIONS, durationSec, method: 'GET', headers: await authed(), paths });
    const ours = (label: string, job: (durationSec: number) => Promise<LoadJob>) => loadContender(label, job, gateway.idle);

    // Read by id: ours, bare node:http with the same JSON, Express "hello", direct SQL.
    const sample = [...seed.sample.values()];
    const readIds = shuffled(sample.map((p) => p.id as string), rand);
    const readPaths = readIds.map((id) => `/fhir/Patient/${id}`);
    const bare = await startBarePatientServer(seed.sample);
    const hello = await startExpressHello();
    stops.push(bare.close, hello.close);
    const readGroup: Contender[] = [
      ours('carebridge GET /fhir/Patient/{id}', getJob(readPaths)),
      loadContender('bare node:http, same Patient JSON', (d) => ({ url: bare.origin, connections: CONNECTIONS, durationSec: d, method: 'GET', paths: readPaths }), bare.idle),
      loadContender('Express 5 "hello" (ceiling)', (d) => ({ url: hello.origin, connections: CONNECTIONS, durationSec: d, method: 'GET', paths: ['/'] }), hello.idle),
      directSqlContender(database.db, readIds, CONNECTIONS),
    ];
    log(`${section}: read by id`);
    const [readOurs, readBare, readHello, readSql] = await compareRounds(readGroup, plan, log);
    figures.push(
      throughputFigure(section, `GET /fhir/Patient/{id} (${CONNECTIONS} connections, ${readIds.length} ids rotated)`, readOurs!, [readBare!, readHello!, readSql!], {
        targets: (s) => [atLeast('read', s.rate, 3000, 'req/s'), atMost('read p99', s.p99, 10)],
        notes: ['every read is audited: its response waits for its AuditEvent to commit (group commit), as in production'],
      }),
      ...[readBare!, readHello!, readSql!].map((m) => throughputFigure(section, `peer: ${m.label}`, m, [], { unit: m.label.startsWith('direct') ? 'reads/s' : 'req/s' })),
    );

    // Create.
    const bodies = Array.from({ length: 500 }, (_, i) => {
      const { id: _id, ...p } = patient(50_000_000 + i, rand);
      return JSON.stringify(p);
    });
    const createJob = async (durationSec: number): Promise<LoadJob> => ({
      url: gateway.origin, connections: CONNECTIONS, durationSec, method: 'POST', headers: await authed({ 'content-type': FHIR_JSON }), paths: ['/fhir/Patient'], bodies,
    });
    log(`${section}: create`);
    const [created] = await compareRounds([ours('carebridge POST /fhir/Patient', createJob)], plan, log);
    figures.push(throughputFigure(section, `POST /fhir/Patient (${CONNECTIONS} connections)`, created!, [], { targets: (s) => [atLeast('create', s.rate, 1000, 'req/s')], notes: ['each create also writes a Provenance and an AuditEvent in its transaction (write recorder)'] }));

    // Token search: ours against Medplum's router on MemoryRepository (in-process and over HTTP).
    const medplum = await startMedplumPeer(sample);
    stops.push(async () => medplum.close());
    const mrnOf = (n: number) => `${MRN_SYSTEM}|${mrn(n)}`;
    const ourSearch = Array.from({ length: 2000 }, () => `/fhir/Patient?identifier=${encodeURIComponent(mrnOf(Math.floor(rand() * seedPlan.patients)))}`);
    const peerSearch = Array.from({ length: 2000 }, () => `/fhir/Patient?identifier=${encodeURIComponent(mrnOf(Math.floor(rand() * medplum.size)))}`);
    log(`${section}: token search`);
    const [searchOurs, searchMedplumHttp, searchMedplum] = await compareRounds([
      ours('carebridge GET /fhir/Patient?identifier=sys|value', getJob(ourSearch)),
      loadContender(`Medplum router over node:http (MemoryRepository, ${medplum.size} Patients)`, (d) => ({ url: medplum.origin, connections: CONNECTIONS, durationSec: d, method: 'GET', paths: peerSearch, timeoutSec: 60 }), medplum.idle),
      medplum.inProcess(`Medplum router in-process (MemoryRepository, ${medplum.size} Patients)`, peerSearch.map((path) => path.replace(/^\/fhir/, ''))),
    ], plan, log);
    const sizes = `ours searches ${seedPlan.patients.toLocaleString('en-US')} Patients in ${engine}; Medplum ${medplum.size.toLocaleString('en-US')} in memory (a linear scan)`;
    figures.push(
      throughputFigure(section, `GET /fhir/Patient?identifier=sys|value (${CONNECTIONS} connections)`, searchOurs!, [searchMedplumHttp!, searchMedplum!], { targets: (s) => [atLeast('token search', s.rate, 1000, 'req/s')], notes: [sizes] }),
      throughputFigure(section, `peer: ${searchMedplumHttp!.label}`, searchMedplumHttp!, []),
      throughputFigure(section, `peer: ${searchMedplum!.label}, sequential`, searchMedplum!, [], { unit: 'searches/s' }),
    );

    // Date search.
    const datePaths = Array.from({ length: 500 }, () => `/fhir/Encounter?date=ge${spanDate(rand)}&_count=20`);
    log(`${section}: date search`);
    const [dateOurs] = await compareRounds([ours('carebridge GET /fhir/Encounter?date=ge…&_count=20', getJob(datePaths))], plan, log);
    figures.push(throughputFigure(section, `GET /fhir/Encounter?date=ge<date>&_count=20 (${CONNECTIONS} connections, dates over 2015–2025)`, dateOurs!, []));

    figures.push(...(await latencyFigures(section, gateway, await authed(), seed.bigPatientId, seed.bigPatientResources, quick, log)));
    return figures;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await database.dispose();
  }
}

function seedFigure(section: string, seed: Awaited<ReturnType<typeof seedDatabase>>, batchSize: number): Figure {
  const store = summarize(seed.storeRates);
  const raw = summarize(seed.rawRates);
  return {
    section,
    name: `seed through FhirStore.createMany (batches of ${batchSize}, one transaction each)`,
    unit: 'resources/s',
    value: store,
    peers: [{ label: `raw INSERT … SELECT unnest of the same JSON (${Math.round(raw.median).toLocaleString('en-US')}/s)`, ratio: store.median / raw.median }],
    notes: [
      `${seed.totalResources.toLocaleString('en-US')} resources (Patients + Encounters); rounds = seeding chunks, raw insert of each chunk right after it`,
      'store built with createPgStore, no write listeners, no validation; includes search-index rows, history and compartments',
      `raw: ${Math.round(raw.min)} / ${Math.round(raw.median)} / ${Math.round(raw.max)} rows/s into a scratch table (id PK, jsonb)`,
    ],
  };
}

async function latencyFigures(section: string, gateway: BenchGateway, headers: Record<string, string>, bigPatientId: string, bigCount: number, quick: boolean, log: (line: string) => void): Promise<Figure[]> {
  const runs = quick ? 5 : 30;
  const rand = prng(11);
  const fhir = `${gateway.origin}/fhir`;
  const tx: { p50: number; p99: number }[] = [];
  const everything: { p50: number; p99: number }[] = [];
  const direct: { p50: number; p99: number }[] = [];
  const everythingUrl = `${fhir}/Patient/${bigPatientId}/$everything?_count=1000`;
  const check = JSON.parse(expectStatus(await httpRequest(everythingUrl, { headers }), 200, '$everything').body) as { entry?: unknown[] };
  const txHeaders = { ...headers, 'content-type': FHIR_JSON };
  expectStatus(await httpRequest(fhir, { method: 'POST', headers: txHeaders, body: JSON.stringify(transactionBundle(0, rand)) }), 200, 'transaction');
  for (let round = 0; round < 3; round++) {
    const bundles = Array.from({ length: runs }, (_, i) => JSON.stringify(transactionBundle(round * runs + i + 1, rand)));
    tx.push(latencyRound(await sequential(runs, async (k) => expectStatus(await httpRequest(fhir, { method: 'POST', headers: txHeaders, body: bundles[k] as string }), 200, 'transaction'))));
    everything.push(latencyRound(await sequential(runs, async () => expectStatus(await httpRequest(everythingUrl, { headers }), 200, '$everything'))));
    direct.push(latencyRound(await sequential(runs, () => gateway.app.store.everything({ patientId: bigPatientId, count: 1000, offset: 0 }))));
    log(`  round ${round + 1}/3 transaction p50 ${tx.at(-1)?.p50.toFixed(1)} ms; $everything p50 ${everything.at(-1)?.p50.toFixed(1)} ms`);
  }
  const txFigure = latencyFigure(section, 'POST /fhir transaction Bundle, 100 entries (sequential)', tx, {
    notes: [`${runs} runs per round; 1 Patient + 33 Encounters + 66 Observations linked by urn:uuid; validated, indexed, Provenance + AuditEvents written`],
  });
  const evFigure = latencyFigure(section, `GET /fhir/Patient/{id}/$everything?_count=1000 (sequential)`, everything, {
    notes: [`${runs} runs per round; ${check.entry?.length ?? 0} entries returned (${bigCount} compartment resources + Patient + Organization); Blaze publishes a 15.7 ms median (1 VU, other hardware)`],
  });
  const directFigure = latencyFigure(section, 'peer: FhirStore.everything() in-process, same query (no HTTP, access layer, audit or JSON)', direct);
  return [
    { ...txFigure, targets: [atMost('transaction p50', txFigure.value, 150)] },
    { ...evFigure, peers: [{ label: 'FhirStore.everything() in-process (ours is slower by this factor)', ratio: evFigure.value.median / directFigure.value.median }], targets: [atMost('$everything p50', evFigure.value, 60)] },
    directFigure,
  ];
}
