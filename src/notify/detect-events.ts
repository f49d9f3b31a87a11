/**
 * Which topic events one stored change is: each topic trigger is evaluated on the change's `previous` and
 * `current` versions (backport IG resourceTrigger.fhirPathCriteria), whatever wrote it — REST create, update,
 * patch, batch/transaction or ingest. A write the store skipped as unchanged is no change, so a replay emits
 * nothing. Corrections (an A13 cancelling a discharge) are events of the topic they correct.
 */
import type { Resource } from 'fhir/r4.js';
import type { ResourceChange } from '../store/fhir-store.ts';
import { patientsOf } from '../store/indexer.ts';
import type { SearchParamRegistry } from '../store/search-parameters.ts';
import type { Interaction, TopicCatalog, TopicDefinition } from './topics.ts';

export interface TopicEvent {
  topic: TopicDefinition;
  /** Absent for an event; the correction code (`discharge-cancelled`) for a correction. */
  correction?: string;
  /** The version that fired the trigger. */
  focus: Resource;
  focusVersion: string;
  patientId?: string;
}

/** Topic events of the changes of one transaction, in change order. */
export function detectEvents(changes: readonly ResourceChange[], catalog: TopicCatalog, registry: SearchParamRegistry, baseUrl: string): TopicEvent[] {
  const events: TopicEvent[] = [];
  for (const change of changes) {
    if (!catalog.watches(change.resourceType)) continue;
    const interaction = interactionOf(change);
    const focus = change.current ?? change.previous;
    if (!focus) continue;
    for (const topic of catalog.list()) {
      for (const trigger of topic.triggers) {
        if (trigger.resourceType !== change.resourceType || !trigger.interactions.has(interaction)) continue;
        if (!trigger.matches(change.previous ?? {}, change.current ?? {})) continue;
        const event: TopicEvent = { topic, focus, focusVersion: change.versionId };
        const patientId = patientsOf(focus, registry, baseUrl)[0];
        if (patientId) event.patientId = patientId;
        if (trigger.correction) event.correction = trigger.correction;
        events.push(event);
        break;
      }
    }
  }
  return events;
}

function interactionOf(change: ResourceChange): Interaction {
  if (change.method === 'DELETE') return 'delete';
  return change.previous ? 'update' : 'create';
}
