/**
 * The member-path evaluator gives exactly what the FHIRPath engine gives, for every search parameter it
 * takes over, on every resource of the corpus (official examples, Synthea, Da Vinci examples, HL7 v2 expected
 * output) and the demo world.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Resource } from 'fhir/r4.js';
import fhirpath from 'fhirpath';
import r4Model from 'fhirpath/fhir-context/r4/index.js';
import { describe, expect, it } from 'vitest';
import { compileMemberPath } from '../../src/store/member-path.ts';
import { loadSearchParamRegistry } from '../../src/store/search-parameters.ts';

const CORPUS = path.resolve(import.meta.dirname, '../../../shared/corpus');
const DEMO = path.resolve(import.meta.dirname, '../../demo/world.bundle.json');

function jsonFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? jsonFiles(full) : entry.name.endsWith('.json') ? [full] : [];
  });
}

/** Every resource in a JSON value (bundles unpacked, contained resources included). */
function resourcesIn(value: unknown, out: Resource[] = []): Resource[] {
  if (Array.isArray(value)) for (const item of value) resourcesIn(item, out);
  else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record.resourceType === 'string') out.push(record as unknown as Resource);
    for (const child of Object.values(record)) if (typeof child === 'object') resourcesIn(child, out);
  }
  return out;
}

describe('compileMemberPath', () => {
  const registry = loadSearchParamRegistry();
  const files = [...jsonFiles(path.join(CORPUS, 'fhir-r4')), ...jsonFiles(path.join(CORPUS, 'davinci-alerts')), ...jsonFiles(path.join(CORPUS, 'hl7v2-expected-fhir')), DEMO];
  const resources = files.flatMap((file) => {
    try {
      return resourcesIn(JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '')));
    } catch {
      return [];
    }
  }).filter((r) => registry.isResourceType(r.resourceType));

  it('covers most parameters and leaves functions to the engine', () => {
    let fast = 0;
    let total = 0;
    for (const type of registry.resourceTypes) {
      for (const def of registry.forType(type).values()) {
        total++;
        if (compileMemberPath(def.expression)) fast++;
      }
    }
    expect(fast / total).toBeGreaterThan(0.85);
    expect(compileMemberPath('Observation.value.ofType(Quantity)')).toBeDefined();
    expect(compileMemberPath("Patient.telecom.where(system='phone')")).toBeUndefined();
    expect(compileMemberPath('Encounter.subject.resolve()')).toBeUndefined();
    expect(compileMemberPath('Observation.value.code')).toBeUndefined();
    expect(compileMemberPath('Patient.noSuchElement')).toBeUndefined();
  });

  it('agrees with the FHIRPath engine on every corpus resource', () => {
    expect(resources.length).toBeGreaterThan(1000);
    let compared = 0;
    for (const resource of resources) {
      for (const def of registry.forType(resource.resourceType).values()) {
        const fast = compileMemberPath(def.expression);
        if (!fast) continue;
        const engine = fhirpath.compile(def.expression, r4Model) as (r: unknown) => unknown[];
        expect(fast(resource), `${resource.resourceType}/${resource.id} ${def.code}: ${def.expression}`).toEqual(engine(resource));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(10_000);
  });
});
