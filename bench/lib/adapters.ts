/**
 * Turns the results of the benchmark modules owned by other stages (bench/hl7v2-parse.ts,
 * bench/validation.ts) into {@link Figure}s, so the orchestrator prints and stores everything alike.
 */
import type { BenchResult } from '../hl7v2-parse.ts';
import type { ValidationBenchReport } from '../validation.ts';
import type { Figure } from './report.ts';

/** HL7 v2 parse+extract: one figure per workload and contender, ratio against @medplum/core. */
export function hl7Figures(results: readonly BenchResult[], rounds: number): Figure[] {
  return results.map((r) => ({
    section: 'hl7v2-parse (single core)',
    name: `${r.workload}: ${r.name}`,
    unit: 'msg/s',
    value: { min: r.min, median: r.opsPerSec, max: r.max, rounds },
    ...(r.name.includes('(peer)') ? {} : { peers: [{ label: '@medplum/core Hl7Message.parse+extract', ratio: r.ratioVsPeer }] }),
  }));
}

/** FHIR validation: throughput per validator and fixture (ratio against ajv8 root oneOf) and compile times. */
export function validationFigures(report: ValidationBenchReport, rounds: number, compileRuns: number): Figure[] {
  const section = 'validation (single core)';
  const sizes = report.fixtures.map((f) => `${f.name} ${f.bytes.toLocaleString('en-US')} B`).join(', ');
  const throughput = report.throughput.map(
    (r): Figure => ({
      section,
      name: r.name,
      unit: 'validations/s',
      value: { ...r.opsPerSec, rounds },
      ...(r.name.includes('(peer)') ? { notes: [`fixtures: ${sizes}`] } : { peers: [{ label: 'ajv8 root oneOf (schema as shipped)', ratio: r.ratio }] }),
    }),
  );
  const compile = report.compile.map((c): Figure => ({ section, name: `compile: ${c.name}`, unit: 'ms', value: { ...c.ms, rounds: compileRuns } }));
  return [...throughput, ...compile];
}
