/**
 * The Subscription as the server stores it, whatever the client sent (mass assignment, RELIABILITY.md case
 * 42, OWASP API3): the id is the server's, `status` is decided by the server (`requested` until a handshake
 * passes), `error` is the server's, the owner tag names the calling client (any owner tag sent is dropped),
 * `meta.security` is the labeller's, header values are masked, the payload level is the one granted, and
 * `contained`/`modifierExtension`/`implicitRules` are not kept. The backport profile is claimed.
 */
import type { Coding, Subscription } from 'fhir/r4.js';
import { BACKPORT_URL, CAREBRIDGE_URL, type PayloadLevel } from './constants.ts';
import { type ChannelHeader, maskHeaders } from './headers.ts';

export interface StoredSubscriptionInput {
  submitted: Subscription;
  id: string;
  ownerClientId: string;
  status: Subscription['status'];
  content: PayloadLevel;
  headers: readonly ChannelHeader[];
  /** Server-set error text to keep (an update that leaves an errored subscription as it is). */
  error?: string;
}

export function buildStoredSubscription(input: StoredSubscriptionInput): Subscription {
  const {
    id: _id,
    meta,
    status: _status,
    error: _error,
    _error: _errorElement,
    _status: _statusElement,
    contained: _contained,
    modifierExtension: _modifier,
    implicitRules: _rules,
    ...rest
  } = input.submitted;
  const tags: Coding[] = (meta?.tag ?? []).filter((tag) => tag.system !== CAREBRIDGE_URL.ownerTag);
  tags.push({ system: CAREBRIDGE_URL.ownerTag, code: input.ownerClientId });
  const profiles = [...new Set([BACKPORT_URL.subscriptionProfile, ...(meta?.profile ?? []).filter((p) => typeof p === 'string')])];
  const payloadExtensions = (rest.channel._payload?.extension ?? []).filter((e) => e.url !== BACKPORT_URL.payloadContent);
  payloadExtensions.push({ url: BACKPORT_URL.payloadContent, valueCode: input.content });
  const { header: _header, _header: _headerElements, ...channel } = rest.channel;
  const stored: Subscription = {
    ...rest,
    resourceType: 'Subscription',
    id: input.id,
    meta: { profile: profiles, tag: tags },
    status: input.status,
    channel: { ...channel, _payload: { ...rest.channel._payload, extension: payloadExtensions } },
  };
  if (input.headers.length > 0) stored.channel.header = maskHeaders(input.headers);
  if (input.error) stored.error = input.error;
  return stored;
}

/** The client that owns a stored Subscription (from the server-set tag). */
export function ownerOf(subscription: Subscription): string | undefined {
  return subscription.meta?.tag?.find((tag) => tag.system === CAREBRIDGE_URL.ownerTag)?.code;
}
