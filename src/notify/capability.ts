/**
 * What the notification stage adds to the CapabilityStatement (backport IG Capabilities.fsh,
 * CapabilityStatement-example-r4): the backport server capability in `instantiates`; on Subscription, the
 * backport-subscription profile, one `capabilitystatement-subscriptiontopic-canonical` extension per topic,
 * and the IG's OperationDefinition canonicals for `$status` and `$events`; on Basic, the topics' form.
 */
import type { CapabilityStatement, CapabilityStatementRestResource } from 'fhir/r4.js';
import { BACKPORT_URL } from './constants.ts';
import type { TopicCatalog } from './topics.ts';

export function addNotifyCapabilities(statement: CapabilityStatement, catalog: TopicCatalog): CapabilityStatement {
  statement.instantiates = [...new Set([...(statement.instantiates ?? []), BACKPORT_URL.serverCapability])];
  const resources = statement.rest?.[0]?.resource ?? [];
  const subscription = resources.find((r) => r.type === 'Subscription');
  if (subscription) describeSubscription(subscription, catalog);
  const basic = resources.find((r) => r.type === 'Basic');
  if (basic) basic.documentation = 'SubscriptionTopics are published as Basic resources (code http://hl7.org/fhir/fhir-types#SubscriptionTopic): GET Basic?code=SubscriptionTopic';
  return statement;
}

function describeSubscription(resource: CapabilityStatementRestResource, catalog: TopicCatalog): void {
  resource.supportedProfile = [...new Set([...(resource.supportedProfile ?? []), BACKPORT_URL.subscriptionProfile])];
  resource.extension = [
    ...(resource.extension ?? []),
    ...catalog.list().map((topic) => ({ url: BACKPORT_URL.topicCanonical, valueCanonical: topic.url })),
  ];
  resource.updateCreate = false;
  resource.conditionalUpdate = false;
  resource.conditionalDelete = 'not-supported';
  for (const operation of resource.operation ?? []) {
    if (operation.name === 'status') operation.definition = BACKPORT_URL.statusOperation;
    if (operation.name === 'events') operation.definition = BACKPORT_URL.eventsOperation;
  }
  resource.documentation =
    'R5 Subscriptions Backport (rest-hook; Da Vinci $process-message through backport-channel-type). A client sees and manages only its own Subscriptions; channel.header values are write-only. The handshake is sent asynchronously: the Subscription is requested until it passes.';
}
