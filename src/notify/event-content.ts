/**
 * What a notification about one event can carry: the focus as it was when the event fired (the triggering
 * version), the patient, and the resources the topic's notificationShape includes (`Encounter:patient`,
 * `Encounter:location`…, resolved through the focus type's reference search parameters). Read outside any
 * transaction, from the ungated store: consent is applied by the caller, at send time.
 */
import type { Resource } from 'fhir/r4.js';
import type { FhirStore } from '../store/fhir-store.ts';
import { parseReference } from '../store/references.ts';
import type { SearchParamRegistry } from '../store/search-parameters.ts';
import type { TopicDefinition } from './topics.ts';

export interface EventRecord {
  id: number;
  topic: string;
  kind: string;
  focus_type: string;
  focus_id: string;
  focus_version: string;
  patient_id: string | null;
  occurred_at: Date;
}

export interface EventContent {
  /** The triggering version of the focus; undefined when it can no longer be read. */
  focus?: Resource;
  patient?: Resource;
  /** Included resources (not the focus), the patient among them when the topic includes it. */
  included: Resource[];
}

/**
 * The content of a batch of events, read in a few statements whatever the batch size: the focuses (current
 * versions, and the triggering version where the resource has moved on since), their patients, and what
 * the topic includes. Results are in the order of `events`.
 */
/** How event contents are read: the store's own methods, or a worker's batched reads (delivery-io.ts). */
export type ContentReader = Pick<FhirStore, 'findMany' | 'vread'>;

export async function readEventContents(events: readonly EventRecord[], topic: TopicDefinition | undefined, store: ContentReader, registry: SearchParamRegistry, baseUrl: string): Promise<EventContent[]> {
  const current = await store.findMany(events.map((e) => ({ resourceType: e.focus_type, id: e.focus_id })));
  const focuses = await Promise.all(events.map(async (event, i) => {
    const found = current[i];
    if (found && found.meta?.versionId === event.focus_version) return found;
    return store.vread(event.focus_type, event.focus_id, event.focus_version).catch(() => undefined);
  }));
  const wanted = new Map<string, { resourceType: string; id: string }>();
  const want = (type: string, id: string) => wanted.set(`${type}/${id}`, { resourceType: type, id });
  const includedRefs = events.map((event, i) => {
    if (event.patient_id) want('Patient', event.patient_id);
    const focus = focuses[i];
    const refs: string[] = [];
    if (!focus || !topic) return refs;
    const seen = new Set<string>([`${focus.resourceType}/${focus.id}`]);
    for (const include of topic.includes) {
      const [type, code] = include.split(':');
      if (type !== focus.resourceType || !code) continue;
      for (const reference of referencesOf(focus, type, code, registry)) {
        const local = parseReference(reference, baseUrl).local;
        if (!local || seen.has(`${local.type}/${local.id}`)) continue;
        seen.add(`${local.type}/${local.id}`);
        want(local.type, local.id);
        refs.push(`${local.type}/${local.id}`);
      }
    }
    return refs;
  });
  const keys = [...wanted.keys()];
  const read = await store.findMany([...wanted.values()]);
  const byKey = new Map(keys.map((key, i) => [key, read[i]]));
  return events.map((event, i) => {
    const content: EventContent = { included: includedRefs[i]?.flatMap((key) => byKey.get(key) ?? []) ?? [] };
    const focus = focuses[i];
    if (focus) content.focus = focus;
    const patient = event.patient_id ? byKey.get(`Patient/${event.patient_id}`) : undefined;
    if (patient) content.patient = patient;
    return content;
  });
}

function referencesOf(resource: Resource, type: string, code: string, registry: SearchParamRegistry): string[] {
  const def = registry.get(type, code);
  if (!def || def.type !== 'reference') return [];
  try {
    return def.evaluate(resource).map((v) => (v as { reference?: string }).reference).filter((r): r is string => typeof r === 'string');
  } catch {
    return [];
  }
}
