/**
 * The canonical URLs the notification stage reads and writes: the R5 Backport IG's extensions and profiles
 * (hl7.fhir.uv.subscriptions-backport 1.1, SPECS.md §b2), the Da Vinci notification profiles and event codes
 * (hl7.fhir.us.davinci-alerts 1.1, SPECS.md §b1), and the gateway's own extensions.
 */
const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport';
const DAVINCI = 'http://hl7.org/fhir/us/davinci-alerts';
const CAREBRIDGE = 'https://carebridge.dev/fhir';

export const BACKPORT_URL = {
  subscriptionProfile: `${BACKPORT}/StructureDefinition/backport-subscription`,
  statusProfile: `${BACKPORT}/StructureDefinition/backport-subscription-status-r4`,
  notificationProfile: `${BACKPORT}/StructureDefinition/backport-subscription-notification-r4`,
  filterCriteria: `${BACKPORT}/StructureDefinition/backport-filter-criteria`,
  payloadContent: `${BACKPORT}/StructureDefinition/backport-payload-content`,
  heartbeatPeriod: `${BACKPORT}/StructureDefinition/backport-heartbeat-period`,
  timeout: `${BACKPORT}/StructureDefinition/backport-timeout`,
  maxCount: `${BACKPORT}/StructureDefinition/backport-max-count`,
  channelType: `${BACKPORT}/StructureDefinition/backport-channel-type`,
  topicCanonical: `${BACKPORT}/StructureDefinition/capabilitystatement-subscriptiontopic-canonical`,
  statusOperation: `${BACKPORT}/OperationDefinition/backport-subscription-status`,
  eventsOperation: `${BACKPORT}/OperationDefinition/backport-subscription-events`,
  serverCapability: `${BACKPORT}/CapabilityStatement/backport-subscription-server-r4`,
} as const;

/** Cross-version extensions that encode a SubscriptionTopic on Basic (the backport's R4 form). */
export const TOPIC_EXT = {
  url: 'http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.url',
  title: 'http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.title',
  status: 'http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.status',
  resourceTrigger: 'http://hl7.org/fhir/4.3/StructureDefinition/extension-SubscriptionTopic.resourceTrigger',
  canFilterBy: 'http://hl7.org/fhir/4.3/StructureDefinition/extension-SubscriptionTopic.canFilterBy',
  notificationShape: 'http://hl7.org/fhir/4.3/StructureDefinition/extension-SubscriptionTopic.notificationShape',
} as const;

export const DAVINCI_URL = {
  bundleProfile: `${DAVINCI}/StructureDefinition/notifications-bundle`,
  messageHeaderProfile: `${DAVINCI}/StructureDefinition/notifications-messageheader`,
  encounterProfile: `${DAVINCI}/StructureDefinition/adt-notification-encounter`,
  eventSystem: `${DAVINCI}/CodeSystem/notification-event`,
} as const;

export const CAREBRIDGE_URL = {
  /** meta.tag system naming the client that owns a Subscription (set by the server, never by the client). */
  ownerTag: `${CAREBRIDGE}/CodeSystem/subscription-owner`,
  /** backport-channel-type code of the Da Vinci `$process-message` channel. */
  channelTypes: `${CAREBRIDGE}/CodeSystem/subscription-channel-type`,
  /** Marks a topic trigger as a correction of an earlier event (kind code), and a notification-event as one. */
  triggerKind: `${CAREBRIDGE}/StructureDefinition/topic-trigger-kind`,
  correction: `${CAREBRIDGE}/StructureDefinition/notification-correction`,
  /** Event codes for corrections, which the Da Vinci CodeSystem has none of. */
  correctionEvents: `${CAREBRIDGE}/CodeSystem/notification-correction`,
  auditSubtype: `${CAREBRIDGE}/CodeSystem/notification-audit`,
  subscriptionError: `${CAREBRIDGE}/CodeSystem/subscription-error`,
  alertSystem: `${CAREBRIDGE}/CodeSystem/alert`,
} as const;

export const DAVINCI_CHANNEL = 'davinci-message';
export const MASK = '***';
export const PAYLOAD_LEVELS = ['empty', 'id-only', 'full-resource'] as const;
export type PayloadLevel = (typeof PAYLOAD_LEVELS)[number];
export const FHIR_JSON = 'application/fhir+json';
