/**
 * The Da Vinci Unsolicited Notifications channel (hl7.fhir.us.davinci-alerts 1.1, SPECS.md §b1): a subscription
 * whose `channel.type` carries `backport-channel-type` = `https://carebridge.dev/fhir/CodeSystem/
 * subscription-channel-type#davinci-message` gets, for each admit, discharge or transfer event, a
 * `Bundle.type=message` (profile notifications-bundle) POSTed to `{endpoint}/$process-message`: the
 * MessageHeader first (profile admit/discharge/transfer-notification-messageheader, event from the Da Vinci
 * notification-event CodeSystem, focus = the Encounter), then the Encounter (adt-notification-encounter) and
 * every resource it references or that references it: Patient, Location, Practitioner, Organization,
 * Condition (encounter diagnoses), Coverage and the payer Organization. Entries have no request/response;
 * fullUrls are absolute under the FHIR base so the Encounter's relative references resolve in the Bundle.
 * A correction (A13) is sent with the event `notification-discharge-cancelled` of the gateway's own
 * CodeSystem (the Da Vinci CodeSystem has none), under the base notifications-messageheader profile.
 */
import type { Bundle, BundleEntry, Encounter, FhirResource, MessageHeader, Resource } from 'fhir/r4.js';
import type { FhirStore } from '../../store/fhir-store.ts';
import { parseReference } from '../../store/references.ts';
import type { SearchQuery } from '../../store/search/query.ts';
import { CAREBRIDGE_URL, DAVINCI_URL } from '../constants.ts';

const DISPLAY: Record<string, string> = {
  'notification-admit': 'Admit Notification',
  'notification-discharge': 'Discharge Notification',
  'notification-transfer': 'Transfer Notification',
};

/** Everything the message carries besides the Encounter, read from the ungated store (consent comes after). */
export async function readDaVinciContext(encounter: Encounter, store: FhirStore, baseUrl: string): Promise<Resource[]> {
  const found = new Map<string, Resource>();
  const add = async (reference: string | undefined) => {
    const local = reference ? parseReference(reference, baseUrl).local : undefined;
    if (!local || found.has(`${local.type}/${local.id}`)) return;
    const resource = await store.find(local.type, local.id);
    if (resource) found.set(`${local.type}/${local.id}`, resource);
  };
  await add(encounter.subject?.reference);
  for (const location of encounter.location ?? []) await add(location.location.reference);
  for (const participant of encounter.participant ?? []) await add(participant.individual?.reference);
  await add(encounter.serviceProvider?.reference);
  const patientId = encounter.subject?.reference ? parseReference(encounter.subject.reference, baseUrl).local?.id : undefined;
  for (const condition of await searchAll(store, 'Condition', 'encounter', `Encounter/${encounter.id}`)) found.set(`Condition/${condition.id}`, condition);
  if (patientId) {
    for (const coverage of await searchAll(store, 'Coverage', 'beneficiary', `Patient/${patientId}`)) {
      if ((coverage as { status?: string }).status !== 'active') continue;
      found.set(`Coverage/${coverage.id}`, coverage);
      for (const payor of (coverage as { payor?: { reference?: string }[] }).payor ?? []) await add(payor.reference);
    }
  }
  return [...found.values()];
}

async function searchAll(store: FhirStore, resourceType: string, code: string, value: string): Promise<Resource[]> {
  const query: SearchQuery = { resourceType, filters: [{ code, type: 'reference', values: [value] }], sort: [], count: 50, offset: 0, include: [], revinclude: [], total: 'none' };
  return (await store.search(query)).entries.map((e) => e.resource);
}

export interface DaVinciInput {
  bundleId: string;
  timestamp: string;
  fhirBase: string;
  event: string;
  correction?: string;
  encounter: Encounter;
  /** The context resources the subscriber may receive (through consent already). */
  context: readonly Resource[];
  source: { name: string; version: string };
  destination: { name: string; endpoint: string };
}

export function buildDaVinciMessage(input: DaVinciInput): Bundle {
  const present = new Set(input.context.map((r) => `${r.resourceType}/${r.id}`));
  const encounter = bundledEncounter(input.encounter, present, input.fhirBase);
  const organization = input.encounter.serviceProvider?.reference;
  const practitioner = (encounter.participant ?? []).map((p) => p.individual?.reference).find((r) => r?.includes('Practitioner/'));
  const eventCode = input.correction ? `${input.event}-cancelled` : input.event;
  const header: MessageHeader = {
    resourceType: 'MessageHeader',
    id: input.bundleId,
    meta: { profile: [input.correction ? DAVINCI_URL.messageHeaderProfile : `http://hl7.org/fhir/us/davinci-alerts/StructureDefinition/${input.event.replace('notification-', '')}-notification-messageheader`] },
    eventCoding: input.correction
      ? { system: CAREBRIDGE_URL.correctionEvents, code: eventCode, display: `${DISPLAY[input.event] ?? input.event} cancelled` }
      : { system: DAVINCI_URL.eventSystem, code: input.event, display: DISPLAY[input.event] ?? input.event },
    destination: [{ name: input.destination.name, endpoint: input.destination.endpoint }],
    source: { name: input.source.name, software: 'carebridge', version: input.source.version, endpoint: input.fhirBase },
    focus: [{ reference: `Encounter/${encounter.id}` }],
  };
  if (organization && present.has(localOf(organization, input.fhirBase))) {
    header.sender = { reference: localOf(organization, input.fhirBase) };
    header.responsible = { reference: localOf(organization, input.fhirBase) };
  }
  if (practitioner && present.has(localOf(practitioner, input.fhirBase))) header.author = { reference: localOf(practitioner, input.fhirBase) };
  const entry: BundleEntry[] = [
    { fullUrl: `urn:uuid:${input.bundleId}`, resource: header },
    { fullUrl: `${input.fhirBase}/Encounter/${encounter.id}`, resource: encounter },
    ...input.context.map((r) => ({ fullUrl: `${input.fhirBase}/${r.resourceType}/${r.id}`, resource: r as FhirResource })),
  ];
  return {
    resourceType: 'Bundle',
    id: input.bundleId,
    meta: { profile: [DAVINCI_URL.bundleProfile] },
    identifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${input.bundleId}` },
    type: 'message',
    timestamp: input.timestamp,
    entry,
  };
}

/** `{endpoint}/$process-message`, unless the endpoint already names the operation. */
export function processMessageUrl(endpoint: string): string {
  return /\/\$process-message$/.test(endpoint) ? endpoint : `${endpoint.replace(/\/+$/, '')}/$process-message`;
}

/**
 * The Encounter as sent: claims adt-notification-encounter, whose participant.individual and
 * location.location must resolve inside the Bundle (aggregation "bundled"): references to resources that
 * are not carried (unknown, or withheld by consent) are left out rather than left dangling.
 */
function bundledEncounter(source: Encounter, present: ReadonlySet<string>, fhirBase: string): Encounter {
  const carried = (reference: string | undefined) => reference !== undefined && present.has(localOf(reference, fhirBase));
  const encounter: Encounter = { ...source, meta: { ...source.meta, profile: [...new Set([...(source.meta?.profile ?? []), DAVINCI_URL.encounterProfile])] } };
  if (source.participant) {
    const participant = source.participant.filter((p) => !p.individual || carried(p.individual.reference));
    if (participant.length > 0) encounter.participant = participant;
    else delete encounter.participant;
  }
  if (source.location) {
    const location = source.location.filter((l) => carried(l.location.reference));
    if (location.length > 0) encounter.location = location;
    else delete encounter.location;
  }
  if (source.serviceProvider && !carried(source.serviceProvider.reference)) delete encounter.serviceProvider;
  return encounter;
}

function localOf(reference: string, fhirBase: string): string {
  return reference.startsWith(`${fhirBase}/`) ? reference.slice(fhirBase.length + 1) : reference;
}
