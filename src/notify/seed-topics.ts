/**
 * Publishes the topics as Basic resources (`GET /fhir/Basic?code=SubscriptionTopic`) at start. Idempotent:
 * an update with unchanged content writes no new version, and a topic file changed since the last start is
 * written as a new version. Two instances starting together may race on the first insert: one retry.
 */
import type { FhirStore } from '../store/fhir-store.ts';
import type { TopicCatalog } from './topics.ts';

export async function seedTopics(store: FhirStore, catalog: TopicCatalog): Promise<void> {
  const system = store.as({ channel: 'system', activity: 'subscription-topics' });
  for (const topic of catalog.list()) {
    try {
      await system.update(topic.resource);
    } catch {
      await system.update(topic.resource);
    }
  }
}
