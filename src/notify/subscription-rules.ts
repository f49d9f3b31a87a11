/**
 * What a Subscription asks for, read and checked against the backport profile (`backport-subscription`,
 * SPECS.md §b2, corpus BackportSubscription.fsh): `criteria` = a topic canonical of this gateway, filters in
 * `backport-filter-criteria`, a `rest-hook` channel (or the Da Vinci `$process-message` channel, named by
 * `backport-channel-type`), payload `application/fhir+json` with `backport-payload-content`, and the
 * heartbeat, timeout and max-count channel extensions. Errors are 400/422 `NTF-…` with the reason.
 */
import type { Extension, Subscription } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import type { SearchParamRegistry } from '../store/search-parameters.ts';
import { BACKPORT_URL, CAREBRIDGE_URL, DAVINCI_CHANNEL, FHIR_JSON, PAYLOAD_LEVELS, type PayloadLevel } from './constants.ts';
import { type SubscriptionFilter, parseFilters } from './filters.ts';
import type { TopicCatalog, TopicDefinition } from './topics.ts';

export type ChannelKind = 'rest-hook' | typeof DAVINCI_CHANNEL;

export interface SubscriptionSpec {
  topic: TopicDefinition;
  filters: SubscriptionFilter[];
  channel: ChannelKind;
  endpoint: string;
  mime: string;
  content: PayloadLevel;
  headerLines: string[];
  heartbeatSeconds?: number;
  timeoutMs: number;
  maxCount?: number;
  end?: string;
}

export interface RuleDeps {
  catalog: TopicCatalog;
  registry: SearchParamRegistry;
  defaultTimeoutMs: number;
  maxTimeoutMs: number;
}

/** Reads the Subscription's request; throws NTF-UNKNOWN-TOPIC, NTF-BAD-CHANNEL, NTF-BAD-PAYLOAD or NTF-BAD-FILTER. */
export function readSubscriptionSpec(subscription: Subscription, deps: RuleDeps): SubscriptionSpec {
  const topic = deps.catalog.byUrl(subscription.criteria ?? '');
  if (!topic) {
    throw new GatewayError('NTF-UNKNOWN-TOPIC', 'unprocessable', `Subscription.criteria must be one of this server's topic canonicals: ${deps.catalog.list().map((t) => t.url).join(', ')}`);
  }
  const filterLines = (subscription._criteria?.extension ?? []).filter((e) => e.url === BACKPORT_URL.filterCriteria).map((e) => e.valueString ?? '');
  const filters = parseFilters(filterLines, topic, deps.registry);
  const channel = subscription.channel;
  const badChannel = (why: string) => new GatewayError('NTF-BAD-CHANNEL', 'unprocessable', `Subscription.channel: ${why}`);
  const custom = channel._type?.extension?.find((e) => e.url === BACKPORT_URL.channelType)?.valueCoding;
  let kind: ChannelKind;
  if (custom) {
    if (custom.system !== CAREBRIDGE_URL.channelTypes || custom.code !== DAVINCI_CHANNEL) throw badChannel(`the only custom channel type is ${CAREBRIDGE_URL.channelTypes}#${DAVINCI_CHANNEL}`);
    if (!topic.davinciEvent) throw badChannel(`topic ${topic.name} cannot feed Da Vinci notifications (admit, discharge and transfer only)`);
    kind = DAVINCI_CHANNEL;
  } else {
    kind = 'rest-hook';
  }
  if (channel.type !== 'rest-hook') throw badChannel('type must be rest-hook');
  if (!channel.endpoint) throw badChannel('endpoint is required');
  const mime = channel.payload ?? '';
  if (mime !== FHIR_JSON) throw new GatewayError('NTF-BAD-PAYLOAD', 'unprocessable', `channel.payload must be ${FHIR_JSON}`);
  const content = channel._payload?.extension?.find((e) => e.url === BACKPORT_URL.payloadContent)?.valueCode ?? 'id-only';
  if (!(PAYLOAD_LEVELS as readonly string[]).includes(content)) throw new GatewayError('NTF-BAD-PAYLOAD', 'unprocessable', `backport-payload-content must be one of ${PAYLOAD_LEVELS.join(', ')}`);
  const spec: SubscriptionSpec = {
    topic,
    filters,
    channel: kind,
    endpoint: channel.endpoint,
    mime,
    content: content as PayloadLevel,
    headerLines: channel.header ?? [],
    timeoutMs: deps.defaultTimeoutMs,
  };
  const ext = channel.extension ?? [];
  const heartbeat = integerOf(ext, BACKPORT_URL.heartbeatPeriod, 1, 86_400 * 7, badChannel);
  if (heartbeat !== undefined) spec.heartbeatSeconds = heartbeat;
  const timeout = integerOf(ext, BACKPORT_URL.timeout, 1, Math.floor(deps.maxTimeoutMs / 1000), badChannel);
  if (timeout !== undefined) spec.timeoutMs = timeout * 1000;
  const maxCount = integerOf(ext, BACKPORT_URL.maxCount, 1, 1000, badChannel);
  if (maxCount !== undefined) spec.maxCount = maxCount;
  if (subscription.end) spec.end = subscription.end;
  return spec;
}

function integerOf(extensions: Extension[], url: string, min: number, max: number, bad: (why: string) => Error): number | undefined {
  const found = extensions.find((e) => e.url === url);
  if (!found) return undefined;
  const value = found.valueUnsignedInt ?? found.valuePositiveInt ?? found.valueInteger;
  if (value === undefined || !Number.isInteger(value) || value < min || value > max) throw bad(`${url.slice(url.lastIndexOf('/') + 1)} must be an integer from ${min} to ${max}`);
  return value;
}
