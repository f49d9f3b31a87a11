/**
 * The server's rules for a Subscription a client writes (create, update, patch): the backport profile checks
 * (subscription-rules.ts), topic access and the payload rule (access-rules.ts), roster Groups the client can
 * see, the endpoint's SSRF check, header validation and masking, and the status the server decides:
 * - create: `requested` (or `off` if the client asks for off); the handshake follows (handshake.ts).
 * - update: `off` if asked; `active`/`error` kept only when the subscription already has that status and its
 *   endpoint, channel and headers are unchanged; anything else (including `requested`) re-runs the handshake.
 */
import type { Subscription } from 'fhir/r4.js';
import type { AccessGrant } from '../auth/access-grant.ts';
import { GatewayError } from '../shared/errors.ts';
import type { OutboundPolicy } from '../shared/outbound-policy.ts';
import type { FhirStore } from '../store/fhir-store.ts';
import { checkTopicAccess, grantedContent } from './access-rules.ts';
import type { HttpSender } from './channels/http-sender.ts';
import { checkEndpoint } from './endpoint-check.ts';
import { type ChannelHeader, parseHeaders } from './headers.ts';
import { buildStoredSubscription } from './sanitize.ts';
import { type RuleDeps, readSubscriptionSpec } from './subscription-rules.ts';

export interface WriteDeps {
  rules: RuleDeps;
  policy: OutboundPolicy;
  sender: HttpSender;
}

export interface PreparedWrite {
  resource: Subscription;
  headers: ChannelHeader[];
}

export interface ExistingSubscription {
  resource: Subscription;
  headers: ChannelHeader[];
}

export async function prepareSubscriptionWrite(submitted: Subscription, id: string, access: AccessGrant, store: FhirStore, deps: WriteDeps, existing?: ExistingSubscription): Promise<PreparedWrite> {
  const spec = readSubscriptionSpec(submitted, deps.rules);
  checkTopicAccess(spec.topic, access.scopes);
  for (const filter of spec.filters.filter((f) => f.param === '_in')) {
    for (const group of filter.values) {
      if (!(await store.find('Group', group.slice('Group/'.length)))) throw new GatewayError('NTF-BAD-FILTER', 'unprocessable', `Filter criteria: ${group} is not a Group this client can see`);
    }
  }
  await checkEndpoint(spec.endpoint, deps.policy, deps.sender);
  const headers = parseHeaders(spec.headerLines, existing?.headers ?? []);
  const content = grantedContent(spec.content, spec.topic, access.scopes, spec.channel);
  const status = decideStatus(submitted, spec.endpoint, headers, existing);
  const resource = buildStoredSubscription({
    submitted,
    id,
    ownerClientId: access.clientId,
    status,
    content,
    headers,
    ...(status === 'error' && existing?.resource.error ? { error: existing.resource.error } : {}),
  });
  return { resource, headers };
}

function decideStatus(submitted: Subscription, endpoint: string, headers: readonly ChannelHeader[], existing?: ExistingSubscription): Subscription['status'] {
  if (submitted.status === 'off') return 'off';
  if (!existing || submitted.status === 'requested') return 'requested';
  const same =
    existing.resource.channel.endpoint === endpoint &&
    channelKind(existing.resource) === channelKind(submitted) &&
    JSON.stringify(existing.headers) === JSON.stringify(headers);
  if (same && (submitted.status === 'active' || submitted.status === 'error') && existing.resource.status === submitted.status) return submitted.status;
  return 'requested';
}

function channelKind(subscription: Subscription): string {
  return JSON.stringify(subscription.channel._type?.extension ?? []);
}
