/**
 * The HL7 v2 → FHIR R4 mapper the ingest pipeline calls: mapping files are loaded and checked once
 * (createHl7v2Mapper), then each message is mapped by its definition into resources with deterministic ids,
 * the event facts (MappedEvent) and a report of what was not mapped. Follows HL7 v2.5.1 ch. 3 (ADT) and ch. 7
 * (ORU) and the HL7 v2-to-FHIR IG (http://hl7.org/fhir/uv/v2mappings) where it makes a choice.
 */
import type { Identifier, Resource } from 'fhir/r4.js';
import type { Hl7Message } from '../ingest/hl7v2/index.ts';
import { projectPath } from '../shared/paths.ts';
import { executeDefinition } from './engine.ts';
import { loadRegistry, type Registry } from './registry.ts';
import { buildReport } from './report.ts';
import { MappingRun } from './run.ts';
import { selectDefinition } from './select.ts';
import { createSourceDirectory } from './sources.ts';
import { prune } from './target-path.ts';
import type { Hl7v2Mapper, Hl7v2MapperOptions, MapContext, MappedEvent, MappedMessage, MappedResource } from './types.ts';

/** Output order: what others refer to comes first. */
const TYPE_ORDER = ['Organization', 'Location', 'Practitioner', 'PractitionerRole', 'Patient', 'RelatedPerson', 'Encounter', 'Condition', 'AllergyIntolerance', 'Procedure', 'Coverage', 'Observation', 'DiagnosticReport'];

function rank(type: string): number {
  const index = TYPE_ORDER.indexOf(type);
  return index === -1 ? TYPE_ORDER.length : index;
}

function collectResources(run: MappingRun): MappedResource[] {
  const entries = run.resources().map((entry, order) => ({ entry, order }));
  entries.sort((a, b) => rank(a.entry.type) - rank(b.entry.type) || a.order - b.order);
  return entries.map(({ entry }) => {
    const resource = (prune(entry.body) ?? { resourceType: entry.type, id: entry.id }) as unknown as Resource;
    const present = resource as unknown as Record<string, unknown>;
    const cleared = [...entry.cleared].filter((name) => name.includes('.') || present[name] === undefined).sort();
    return { resource, cleared };
  });
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function identifiers(value: unknown): Identifier[] {
  return Array.isArray(value) ? (value as Identifier[]) : [];
}

function buildEvent(run: MappingRun): MappedEvent {
  const e = run.event;
  const visit = e['visit'] as { system?: unknown; value?: unknown } | undefined;
  const event: MappedEvent = {
    messageType: text(e['messageType']),
    trigger: text(e['trigger']),
    ...(typeof e['eventTime'] === 'string' ? { eventTime: e['eventTime'] } : {}),
    ...(typeof e['messageTime'] === 'string' ? { messageTime: e['messageTime'] } : {}),
    controlId: text(e['controlId']),
    sendingFacility: text(e['sendingFacility']),
    sendingApplication: text(e['sendingApplication']),
    ...(visit !== undefined && typeof visit.system === 'string' && typeof visit.value === 'string' ? { visit: { system: visit.system, value: visit.value } } : {}),
    patient: identifiers(e['patient']),
  };
  if (Array.isArray(e['mergedFrom'])) event.mergedFrom = identifiers(e['mergedFrom']);
  return event;
}

const DAY_MS = 86_400_000;

function checkPlausibility(event: MappedEvent, context: MapContext, run: MappingRun): void {
  const received = Date.parse(context.receivedAt);
  const eventTime = event.eventTime === undefined ? Number.NaN : Date.parse(event.eventTime);
  if (Number.isFinite(received) && Number.isFinite(eventTime) && eventTime > received + DAY_MS) {
    run.warn('EVN-2: the event is dated more than a day after the message was received');
  }
}

/** Maps one message with an already loaded registry (exposed for tests and the bench). */
export function mapMessage(registry: Registry, directory: ReturnType<typeof createSourceDirectory>, message: Hl7Message, context: MapContext): MappedMessage {
  const definition = selectDefinition(registry, message);
  const application = message.get('MSH-3.1').trim() || message.get('MSH-3.2').trim();
  const source = directory.resolve(message.get('MSH-4.1').trim(), message.get('MSH-4.2').trim(), application);
  const run = new MappingRun(message, registry, definition, source, (name, r) => registry.compiled.variable(definition, name)?.({ run: r, segment: undefined, node: undefined, position: 0, location: 'MSH' }, false).values[0]);
  executeDefinition(run);
  const event = buildEvent(run);
  checkPlausibility(event, context, run);
  const consumption = registry.consumption.get(definition.name) ?? new Map();
  return { event, resources: collectResources(run), report: buildReport(run, consumption) };
}

/**
 * Loads and checks every mapping file once (fail fast: `MAP-FILE-INVALID` names the file and the JSON-schema
 * path), then maps messages with no shared mutable state between calls.
 */
export function createHl7v2Mapper(options: Hl7v2MapperOptions = {}): Hl7v2Mapper {
  const registry = loadRegistry(options.mappingsDir ?? projectPath('mappings'));
  const directory = createSourceDirectory(registry.sources, options.sources ?? []);
  return {
    map: (message, context) => mapMessage(registry, directory, message, context),
    supportedEvents: () => [...registry.definitions.keys()].sort(),
  };
}
