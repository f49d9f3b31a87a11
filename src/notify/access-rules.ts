/**
 * Who may subscribe to what, and how much a notification may carry (backport IG safety_security: authorize
 * at creation and again when sending; prefer id-only/empty payloads).
 * - A topic on clinical data needs read (or search) scope on the topic's focus type.
 * - `break-glass-alert` (access rule `security-alert`): privacy officers — clients registered with
 *   `carebridge/admin` — receive every alert; any other client with read scope on Communication receives only
 *   the alerts addressed to its organization (the consent stage's alert rule, applied at send time).
 * - `full-resource` needs read scope on the focus type; without it the payload is downgraded to `id-only`
 *   (the stored Subscription shows the level granted). Included resources of other types need read scope on
 *   their own type, checked when the notification is built.
 * - The Da Vinci channel always sends full resources: it needs read scope on Encounter and Patient.
 */
import { GatewayError } from '../shared/errors.ts';
import { ADMIN_SCOPE, type ScopeSet, allows } from '../auth/scopes.ts';
import { DAVINCI_CHANNEL, type PayloadLevel } from './constants.ts';
import type { ChannelKind } from './subscription-rules.ts';
import type { TopicDefinition } from './topics.ts';

export function isPrivacyOfficer(scopes: ScopeSet): boolean {
  return scopes.special.includes(ADMIN_SCOPE);
}

/** 403 NTF-TOPIC-FORBIDDEN when the client may not subscribe to the topic. */
export function checkTopicAccess(topic: TopicDefinition, scopes: ScopeSet): void {
  const readable = allows(scopes, topic.focusType, 'r') || allows(scopes, topic.focusType, 's');
  const allowed = topic.access === 'security-alert' ? isPrivacyOfficer(scopes) || readable : readable;
  if (!allowed) throw new GatewayError('NTF-TOPIC-FORBIDDEN', 'forbidden', `This client may not subscribe to ${topic.name}: it needs read access to ${topic.focusType}`);
}

/** The payload level granted for `requested` (a downgrade of full-resource to id-only, or 422 for Da Vinci). */
export function grantedContent(requested: PayloadLevel, topic: TopicDefinition, scopes: ScopeSet, channel: ChannelKind): PayloadLevel {
  if (channel === DAVINCI_CHANNEL) {
    if (!allows(scopes, 'Encounter', 'r') || !allows(scopes, 'Patient', 'r')) {
      throw new GatewayError('NTF-BAD-PAYLOAD', 'unprocessable', 'Da Vinci notifications carry full resources: the client needs read access to Encounter and Patient');
    }
    return 'full-resource';
  }
  if (requested === 'full-resource' && !allows(scopes, topic.focusType, 'r')) return 'id-only';
  return requested;
}

/** May the client's registered scopes read `resourceType` (included resources of a full-resource payload)? */
export function mayInclude(scopes: ScopeSet, resourceType: string): boolean {
  return allows(scopes, resourceType, 'r');
}
