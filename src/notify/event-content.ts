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

export async function readEventContent(event: EventRecord, topic: TopicDefinition | undefined, store: FhirStore, registry: SearchParamRegistry, baseUrl: string): Promise<EventContent> {
  const focus = await store.vread(event.focus_type, event.focus_id, event.focus_version).catch(() => undefined);
  const patient = event.patient_id ? await store.find('Patient', event.patient_id) : undefined;
  const included: Resource[] = [];
  if (focus && topic) {
    const seen = new Set<string>([`${focus.resourceType}/${focus.id}`]);
    for (const include of topic.includes) {
      const [type, code] = include.split(':');
      if (type !== focus.resourceType || !code) continue;
      for (const reference of referencesOf(focus, type, code, registry)) {
        const local = parseReference(reference, baseUrl).local;
        if (!local || seen.has(`${local.type}/${local.id}`)) continue;
        seen.add(`${local.type}/${local.id}`);
        const found = local.type === 'Patient' && local.id === patient?.id ? patient : await store.find(local.type, local.id);
        if (found) included.push(found);
      }
    }
  }
  const content: EventContent = { included };
  if (focus) content.focus = focus;
  if (patient) content.patient = patient;
  return content;
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
