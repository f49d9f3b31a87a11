/**
 * The subscription topics, kept as data in `mappings/topics/*.json`: each file is a SubscriptionTopic encoded
 * on R4 `Basic` with the backport's cross-version extensions (SPECS.md §b2, corpus
 * subscriptions-backport-ig/json-from-history/Basic-r4-encounter-complete.json). This file loads them, puts
 * the canonical URL under the gateway's FHIR base, and compiles each trigger's `fhirPathCriteria`, evaluated
 * with `%previous` and `%current` as the backport IG defines.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Basic, Extension } from 'fhir/r4.js';
import fhirpath from 'fhirpath';
import r4Model from 'fhirpath/fhir-context/r4/index.js';
import { GatewayError } from '../shared/errors.ts';
import { projectPath } from '../shared/paths.ts';
import { TOPIC_EXT } from './constants.ts';

const CB = 'https://carebridge.dev/fhir/StructureDefinition/';

export type Interaction = 'create' | 'update' | 'delete';

export interface TopicTrigger {
  resourceType: string;
  interactions: ReadonlySet<Interaction>;
  /** True when the change between `previous` and `current` fires the trigger. */
  matches(previous: object, current: object): boolean;
  /** Set for corrections of an earlier event (`discharge-cancelled`, `admit-cancelled`). */
  correction?: string;
}

export interface TopicDefinition {
  /** Short name, e.g. `encounter-discharge`. */
  name: string;
  url: string;
  title: string;
  focusType: string;
  triggers: TopicTrigger[];
  /** filterParameter names the topic allows (canFilterBy). */
  filters: ReadonlySet<string>;
  /** `Type:param` includes of the notificationShape (full-resource payloads and additional-context). */
  includes: string[];
  /** Who may subscribe: clients that may read the focus type, or the security-alert rule. */
  access: 'read-focus' | 'security-alert';
  /** Da Vinci event code (`notification-discharge`…) when the topic can feed the Da Vinci channel. */
  davinciEvent?: string;
  /** The Basic resource as published at `GET /fhir/Basic?code=SubscriptionTopic`. */
  resource: Basic;
}

export interface TopicCatalog {
  list(): readonly TopicDefinition[];
  byUrl(url: string): TopicDefinition | undefined;
  /** Resource types some trigger watches (a cheap pre-filter for the write listener). */
  watches(resourceType: string): boolean;
}

/** Loads every topic file of `dir`, canonical URLs under `fhirBase`. Throws NTF-TOPIC-INVALID on a bad file. */
export function loadTopicCatalog(fhirBase: string, dir = projectPath('mappings', 'topics')): TopicCatalog {
  const topics = fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => parseTopic(fs.readFileSync(path.join(dir, file), 'utf8').replaceAll('{{fhirBase}}', fhirBase), file));
  const byUrl = new Map(topics.map((topic) => [topic.url, topic]));
  const types = new Set(topics.flatMap((topic) => topic.triggers.map((t) => t.resourceType)));
  return { list: () => topics, byUrl: (url) => byUrl.get(url), watches: (type) => types.has(type) };
}

function parseTopic(text: string, file: string): TopicDefinition {
  const bad = (why: string) => new GatewayError('NTF-TOPIC-INVALID', 'fault', `Topic file ${file}: ${why}`);
  const resource = JSON.parse(text) as Basic;
  if (resource.resourceType !== 'Basic' || !resource.id) throw bad('not a Basic with an id');
  const top = resource.extension ?? [];
  const url = stringOf(top.find((e) => e.url === TOPIC_EXT.url));
  if (!url) throw bad('no SubscriptionTopic.url');
  const triggers = top.filter((e) => e.url === TOPIC_EXT.resourceTrigger).map((e) => parseTrigger(e, bad));
  const focusType = triggers[0]?.resourceType;
  if (!focusType) throw bad('no resourceTrigger');
  const filters = new Set(top.filter((e) => e.url === TOPIC_EXT.canFilterBy).map((e) => stringOf(part(e, 'filterParameter'))).filter((p): p is string => !!p));
  const includes = top.filter((e) => e.url === TOPIC_EXT.notificationShape).flatMap((e) => parts(e, 'include').map(stringOf).filter((p): p is string => !!p));
  const access = stringOf(top.find((e) => e.url === `${CB}topic-access`)) === 'security-alert' ? 'security-alert' : 'read-focus';
  const davinciEvent = stringOf(top.find((e) => e.url === `${CB}topic-davinci-event`));
  const topic: TopicDefinition = {
    name: url.slice(url.lastIndexOf('/') + 1),
    url,
    title: stringOf(top.find((e) => e.url === TOPIC_EXT.title)) ?? url,
    focusType,
    triggers,
    filters,
    includes,
    access,
    resource,
  };
  if (davinciEvent) topic.davinciEvent = davinciEvent;
  return topic;
}

function parseTrigger(extension: Extension, bad: (why: string) => Error): TopicTrigger {
  const resourceUri = stringOf(part(extension, 'resource')) ?? '';
  const resourceType = resourceUri.slice(resourceUri.lastIndexOf('/') + 1);
  const criteria = stringOf(part(extension, 'fhirPathCriteria'));
  if (!resourceType || !criteria) throw bad('a resourceTrigger needs resource and fhirPathCriteria');
  const interactions = new Set(parts(extension, 'supportedInteraction').map(stringOf).filter((i): i is Interaction => i === 'create' || i === 'update' || i === 'delete'));
  let compiled: (resource: unknown, env: Record<string, unknown>) => unknown[];
  try {
    compiled = fhirpath.compile(criteria, r4Model) as unknown as typeof compiled;
  } catch (error) {
    throw bad(`fhirPathCriteria does not compile: ${(error as Error).message}`);
  }
  const trigger: TopicTrigger = {
    resourceType,
    interactions,
    matches: (previous, current) => {
      const result = compiled(current, { previous, current });
      return result.length === 1 && result[0] === true;
    },
  };
  const correction = stringOf(part(extension, `${CB}topic-trigger-kind`));
  if (correction) trigger.correction = correction;
  return trigger;
}

function part(extension: Extension, url: string): Extension | undefined {
  return extension.extension?.find((e) => e.url === url);
}

function parts(extension: Extension, url: string): Extension[] {
  return extension.extension?.filter((e) => e.url === url) ?? [];
}

function stringOf(extension: Extension | undefined): string | undefined {
  return extension?.valueUri ?? extension?.valueString ?? extension?.valueCode ?? extension?.valueCanonical ?? extension?.valueMarkdown;
}
