/**
 * The mapping report (FHIR-Converter's "unused segments" trace, STYLE.md §2): which segments had no mapping,
 * which fields held content that no rule read, and the warnings. Element names only, never values.
 */
import type { Consumption } from './registry.ts';
import type { MappingRun } from './run.ts';
import type { MappingReport } from './types.ts';
import { SegmentNode } from './hl7-node.ts';

const ALWAYS_READ: Readonly<Record<string, readonly number[]>> = { MSH: [1, 2] };

/** Builds the report of one run against the fields its definition reads. */
export function buildReport(run: MappingRun, consumption: Consumption): MappingReport {
  const unmappedSegments: string[] = [];
  const unmappedFields: string[] = [];
  const addSegment = (id: string): void => {
    if (!unmappedSegments.includes(id)) unmappedSegments.push(id);
  };
  const addField = (name: string): void => {
    if (!unmappedFields.includes(name)) unmappedFields.push(name);
  };
  for (const segment of run.message.segments()) {
    const consumed = consumption.get(segment.id);
    if (segment.id.startsWith('Z')) {
      addSegment(segment.id);
      addField(`${segment.id}-*`);
      continue;
    }
    if (consumed === undefined || run.skipped.has(segment.position)) {
      addSegment(segment.id);
      continue;
    }
    const always = ALWAYS_READ[segment.id] ?? [];
    for (const field of new SegmentNode(segment, run.message.encoding).presentFields()) {
      if (!consumed.has(field) && !always.includes(field)) addField(`${segment.id}-${field}`);
    }
  }
  for (const name of run.unmappedFields) addField(name);
  return { unmappedSegments, unmappedFields, warnings: [...run.warnings] };
}
