/**
 * Assembles the demo world into one FHIR R4 transaction Bundle of PUTs with deterministic ids. Each part
 * draws from its own seeded generator, so editing one part does not reshuffle the values of the others.
 */
import type { Bundle, Resource } from 'fhir/r4.js';
import { ANCHOR, SOURCE, demoMeta } from './common.ts';
import { buildHospitalRecords } from './hospital.ts';
import { buildOrganizations } from './organizations.ts';
import { buildPatients } from './patients.ts';
import { buildPrimaryCareRecords } from './primary-care.ts';
import { createPrng } from './prng.ts';
import { buildRosters } from './rosters.ts';
import { buildSocialCareRecords } from './social-care.ts';
import { buildStaff } from './staff.ts';

/** The seed of the demo world; change it only on purpose (every generated value moves). */
export const DEMO_SEED = 20261101;

/** Every resource of the demo world, directory first, then patients and their records by source, then rosters. */
export function buildDemoResources(): Resource[] {
  const resources: Resource[] = [
    ...buildOrganizations(),
    ...buildStaff(),
    ...buildPatients(createPrng(DEMO_SEED + 1)),
    ...buildHospitalRecords(createPrng(DEMO_SEED + 2)),
    ...buildPrimaryCareRecords(createPrng(DEMO_SEED + 3)),
    ...buildSocialCareRecords(),
    ...buildRosters(),
  ];
  const seen = new Set<string>();
  for (const resource of resources) {
    const key = `${resource.resourceType}/${resource.id ?? ''}`;
    if (!resource.id || !/^[A-Za-z0-9\-.]{1,64}$/.test(resource.id)) throw new Error(`bad id ${key}`);
    if (seen.has(key)) throw new Error(`duplicate resource ${key}`);
    seen.add(key);
  }
  return resources;
}

/** The demo world as a transaction Bundle. */
export function buildDemoWorld(): Bundle<Resource> {
  return {
    resourceType: 'Bundle',
    id: 'carebridge-demo-world',
    meta: demoMeta(SOURCE.directory),
    type: 'transaction',
    timestamp: `${ANCHOR}T00:00:00Z`,
    entry: buildDemoResources().map((resource) => ({
      resource,
      request: { method: 'PUT', url: `${resource.resourceType}/${resource.id ?? ''}` },
    })),
  };
}

/** The exact bytes written to `demo/world.bundle.json`. */
export function serializeDemoWorld(bundle: Bundle<Resource> = buildDemoWorld()): string {
  return `${JSON.stringify(bundle, null, 2)}\n`;
}
