/**
 * Loads the synthetic demo world (`demo/world.bundle.json`, written by `scripts/generate-demo-world.ts`) into
 * an empty gateway. Idempotent: the ACO Organization carrying the demo tag marks a database that already
 * holds the demo, and every entry is written with PUT semantics inside one transaction.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Bundle, Resource } from 'fhir/r4.js';
import type { FhirStore } from '../store/fhir-store.ts';

/** The `meta.tag` every demo resource carries. */
export const DEMO_TAG = { system: 'https://carebridge.dev/fhir/CodeSystem/demo', code: 'demo-world' } as const;

/** The Organization whose presence (with the demo tag) means the demo world is loaded. */
export const DEMO_MARKER = { resourceType: 'Organization', id: 'org-riverside-aco' } as const;

/** Where the generated bundle lives in the repository. */
export const DEFAULT_DEMO_BUNDLE = fileURLToPath(new URL('../../demo/world.bundle.json', import.meta.url));

/** What `loadDemoWorld` did: `loaded` false when the demo was already there. */
export interface DemoLoadResult {
  loaded: boolean;
  resources: number;
}

/** True when `resource` carries the demo tag. */
export function isDemoResource(resource: Resource): boolean {
  return (resource.meta?.tag ?? []).some((tag) => tag.system === DEMO_TAG.system && tag.code === DEMO_TAG.code);
}

/**
 * Loads the demo bundle unless the database already holds the demo marker. The check is repeated under an
 * advisory lock inside the writing transaction, so two gateways starting together load it once. Writes are
 * attributed to the caller's actor, or to the gateway itself (`system`, `demo-load`) when it has none.
 */
export async function loadDemoWorld(store: FhirStore, bundlePath: string = DEFAULT_DEMO_BUNDLE): Promise<DemoLoadResult> {
  if (await markerPresent(store)) return { loaded: false, resources: 0 };
  const resources = demoResources(JSON.parse(await readFile(bundlePath, 'utf8')) as Bundle, bundlePath);
  const writer = store.actor ? store : store.as({ channel: 'system', activity: 'demo-load' });
  return writer.transaction(async (tx) => {
    await tx.lock('carebridge:demo-world');
    if (await markerPresent(tx)) return { loaded: false, resources: 0 };
    for (const resource of resources) await tx.update(resource);
    return { loaded: true, resources: resources.length };
  });
}

async function markerPresent(store: FhirStore): Promise<boolean> {
  const marker = await store.find(DEMO_MARKER.resourceType, DEMO_MARKER.id);
  if (!marker) return false;
  if (isDemoResource(marker)) return true;
  throw new Error(`${DEMO_MARKER.resourceType}/${DEMO_MARKER.id} exists but is not demo data; refusing to overwrite it`);
}

/** The resources of a demo transaction bundle, checked to be PUTs to their own `Type/id`. */
function demoResources(bundle: Bundle, path: string): Resource[] {
  if (bundle.resourceType !== 'Bundle' || bundle.type !== 'transaction') throw new Error(`${path} is not a FHIR transaction Bundle`);
  const resources = (bundle.entry ?? []).map((entry, index) => {
    const resource = entry.resource;
    const url = resource ? `${resource.resourceType}/${resource.id ?? ''}` : '';
    if (!resource || entry.request?.method !== 'PUT' || entry.request.url !== url) {
      throw new Error(`${path}: entry ${index} must PUT a resource to its own Type/id`);
    }
    if (!isDemoResource(resource)) throw new Error(`${path}: ${url} lacks the demo tag`);
    return resource;
  });
  if (!resources.some((r) => r.resourceType === DEMO_MARKER.resourceType && r.id === DEMO_MARKER.id)) {
    throw new Error(`${path} does not contain the demo marker ${DEMO_MARKER.resourceType}/${DEMO_MARKER.id}`);
  }
  return resources;
}
