/**
 * Regenerates the synthetic demo world: `npx tsx scripts/generate-demo-world.ts [out-file]`.
 * Deterministic (seeded generator, dates relative to a fixed anchor): running it twice writes identical bytes.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildDemoWorld, serializeDemoWorld } from './demo-world/world.ts';

const out = process.argv[2] ?? fileURLToPath(new URL('../demo/world.bundle.json', import.meta.url));
const bundle = buildDemoWorld();
writeFileSync(out, serializeDemoWorld(bundle));

const counts = new Map<string, number>();
for (const entry of bundle.entry ?? []) {
  const type = entry.resource?.resourceType ?? 'unknown';
  counts.set(type, (counts.get(type) ?? 0) + 1);
}
const summary = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `${type} ${n}`);
console.log(`wrote ${out}: ${bundle.entry?.length ?? 0} resources (${summary.join(', ')})`);
