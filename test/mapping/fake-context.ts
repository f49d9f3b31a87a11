/**
 * A HelperContext for unit tests of helper functions: a fixed source, the real sources.yaml content, the real
 * ConceptMaps, and sinks that collect warnings and unmapped elements.
 */
import { join } from 'node:path';
import { loadRegistry, type Registry } from '../../src/mapping/registry.ts';
import type { HelperContext } from '../../src/mapping/helpers/context.ts';
import { toFhirDateTime, UTC_OFFSET } from '../../src/mapping/helpers/datetime.ts';
import type { Hl7Node } from '../../src/mapping/hl7-node.ts';
import type { ResolvedSource } from '../../src/mapping/sources.ts';
import type { SourceConfig } from '../../src/mapping/types.ts';
import { parseMessage } from '../../src/ingest/hl7v2/index.ts';
import { SegmentNode } from '../../src/mapping/hl7-node.ts';

export const MAPPINGS_DIR = join(import.meta.dirname, '../../mappings');

let registry: Registry | undefined;
/** The real registry, loaded once per test file. */
export function realRegistry(): Registry {
  registry ??= loadRegistry(MAPPINGS_DIR);
  return registry;
}

export function sourceOf(config: Partial<SourceConfig> = {}, timezoneConfigured = false): ResolvedSource {
  const full: SourceConfig = { facility: 'ACME', ...config };
  return { facility: full.facility, config: full, timezone: 'UTC', timezoneConfigured, zoneOffset: UTC_OFFSET };
}

export interface FakeContext extends HelperContext {
  readonly warnings: string[];
  readonly unmappedList: string[];
}

/** A context whose `read` answers from `fields` (path → text) and whose node is `node`. */
export function fakeContext(options: { source?: ResolvedSource; node?: Hl7Node; fields?: Record<string, string>; vars?: Record<string, unknown> } = {}): FakeContext {
  const warnings: string[] = [];
  const unmappedList: string[] = [];
  const reg = realRegistry();
  return {
    source: options.source ?? sourceOf(),
    sources: reg.sources,
    location: 'TST-1',
    node: options.node,
    read: (path) => options.fields?.[path] ?? '',
    readAll: () => [],
    variable: (name) => options.vars?.[name],
    warn: (text) => warnings.push(text),
    unmapped: (where) => unmappedList.push(where),
    translate: (id, code) => reg.conceptMaps.translate(id, code),
    applyDatatype: () => undefined,
    dateTime: (text) => toFhirDateTime(text, UTC_OFFSET)?.value,
    warnings,
    unmappedList,
  };
}

/** The first repetition of a field of a one-segment message, e.g. `nodeOf('OBX|1|SN|x||>^10', 5)`. */
export function nodeOf(segment: string, field: number): Hl7Node {
  const message = parseMessage(`MSH|^~\\&|A|B|C|D|20250101||ADT^A01|1|P|2.5.1\r${segment}`);
  const seg = message.segments()[1];
  if (seg === undefined) throw new Error('no segment');
  const node = new SegmentNode(seg, message.encoding).repetitions(field, false)[0];
  if (node === undefined) throw new Error('empty field');
  return node;
}
