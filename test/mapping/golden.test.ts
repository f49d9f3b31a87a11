/**
 * Golden tests over FHIR-Converter's HL7 v2 samples (../shared/corpus/hl7v2/fhir-converter). For each sample:
 * 1. our output (event, report, transaction Bundle) equals test/golden/hl7v2/<name>.expected.json — a missing
 *    golden fails; `UPDATE_GOLDEN=1` rewrites them;
 * 2. every resource validates;
 * 3. the facts that matter equal those of FHIR-Converter's expected Bundle, or the difference is listed in
 *    mappings/hl7v2/README.md ("Deliberate differences"); a listed difference that has gone fails too.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/ingest/hl7v2/index.ts';
import { assembleTransaction, createHl7v2Mapper } from '../../src/mapping/index.ts';
import { createValidator } from '../../src/validation/validator.ts';
import { CORPUS, HL7_CORPUS } from './corpus-files.ts';
import { FACT_NAMES, readFacts, type FactName } from './facts.ts';
import { MAPPINGS_DIR } from './fake-context.ts';

const SAMPLES = join(HL7_CORPUS, 'fhir-converter');
const EXPECTED = join(CORPUS, 'hl7v2-expected-fhir/fhir-converter');
const GOLDEN = join(import.meta.dirname, '../golden/hl7v2');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const RECEIVED_AT = '2025-01-01T00:00:00Z';

/** The README's table of deliberate differences: sample → facts. */
function readDocumentedDifferences(): Map<string, Set<string>> {
  const readme = readFileSync(join(MAPPINGS_DIR, 'hl7v2/README.md'), 'utf8');
  const table = /<!-- differences:start -->([\s\S]*?)<!-- differences:end -->/.exec(readme)?.[1] ?? '';
  const documented = new Map<string, Set<string>>();
  for (const line of table.split('\n').slice(3)) {
    const [, samples = '', facts = ''] = line.split('|').map((cell) => cell.trim());
    for (const sample of samples.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
      const set = documented.get(sample) ?? new Set<string>();
      for (const fact of facts.split(',').map((f) => f.trim()).filter((f) => f !== '')) set.add(fact);
      documented.set(sample, set);
    }
  }
  return documented;
}

const mapper = createHl7v2Mapper();
const validator = createValidator();
const documented = readDocumentedDifferences();
const samples = readdirSync(SAMPLES).filter((f) => f.endsWith('.hl7')).sort().map((f) => f.replace(/\.hl7$/, ''));

describe('golden: FHIR-Converter HL7 v2 samples', () => {
  it('covers every sample and documents only known facts', () => {
    expect(samples.length).toBeGreaterThanOrEqual(26);
    for (const [sample, facts] of documented) {
      expect(samples, `README lists unknown sample ${sample}`).toContain(sample);
      for (const fact of facts) expect(FACT_NAMES as readonly string[], `README lists unknown fact ${fact}`).toContain(fact);
    }
  });

  describe.each(samples)('%s', (sample) => {
    const mapped = mapper.map(parseMessage(readFileSync(join(SAMPLES, `${sample}.hl7`))), { receivedAt: RECEIVED_AT });
    const bundle = assembleTransaction(mapped);
    const actual = { event: mapped.event, report: mapped.report, cleared: mapped.resources.filter((r) => r.cleared.length > 0).map((r) => ({ resource: `${r.resource.resourceType}/${r.resource.id ?? ''}`, cleared: r.cleared })), bundle };

    it('matches its golden file', () => {
      const file = join(GOLDEN, `${sample}.expected.json`);
      if (UPDATE) {
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
      }
      expect(existsSync(file), `missing golden ${file} (run with UPDATE_GOLDEN=1 to write it)`).toBe(true);
      expect(JSON.parse(JSON.stringify(actual))).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    });

    it('validates', () => {
      for (const { resource } of mapped.resources) expect(validator.validate(resource), `${resource.resourceType}/${resource.id ?? ''}`).toEqual([]);
      expect(validator.validate(bundle)).toEqual([]);
    });

    it('has the facts of FHIR-Converter’s output, or documents why not', () => {
      const theirs = readFacts(JSON.parse(readFileSync(join(EXPECTED, `${sample}-expected.json`), 'utf8')) as Bundle);
      const ours = readFacts(bundle);
      const allowed = documented.get(sample) ?? new Set<string>();
      for (const fact of FACT_NAMES) {
        const same = JSON.stringify(ours[fact]) === JSON.stringify(theirs[fact]);
        if (allowed.has(fact)) expect(same, `${sample} ${fact} is listed as a difference but now matches: remove it from the README`).toBe(false);
        else expect({ fact: fact satisfies FactName, ours: ours[fact] }).toEqual({ fact, ours: theirs[fact] });
      }
    });
  });
});
