/**
 * A small world for consent tests over HTTP: a practice, an ACO, a hospital that may break the glass and a
 * social-care team, each a real client with tokens per purpose of use; patients whose records mix
 * unlabelled data, mental-health (PSY), substance-use (ETH) and social-care (SOC) records, all written
 * through the API so that labelling happens as in production.
 */
import type { Bundle, Consent, Patient, Resource } from 'fhir/r4.js';
import type { TestApp } from './app.ts';
import { jsonBody } from './app.ts';
import { type TestClient, registerClient, tokenFor } from './clients.ts';

export const ORG = { gp: 'org-gp-a', aco: 'org-aco-b', hospital: 'org-hospital-h', social: 'org-social-s' } as const;

export interface WorldPatient {
  id: string;
  /** Resource ids by kind: base (unlabelled), psy, eth, soc. */
  encounter: string;
  observation: string;
  psy: string;
  eth: string;
  soc: string;
}

export interface ConsentWorld {
  clients: Record<'gp' | 'aco' | 'hospital' | 'social' | 'acoNoBtg', TestClient>;
  token(who: keyof ConsentWorld['clients'], purpose: string): Promise<string>;
  /** A fresh token whose assertion is dated `now` (for tests that move the gateway's clock). */
  tokenAt(who: keyof ConsentWorld['clients'], purpose: string, now: Date): Promise<string>;
  createPatient(tag: string): Promise<WorldPatient>;
  /** Records a consent as the patient's practice. */
  consent(patientId: string, body: Omit<Consent, 'resourceType' | 'patient' | 'scope' | 'category'>): Promise<Consent>;
}

const ACT = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

export async function buildConsentWorld(t: TestApp): Promise<ConsentWorld> {
  for (const [id, name, system] of [[ORG.gp, 'GP A', 'A81001'], [ORG.aco, 'ACO B', 'ACOB1'], [ORG.hospital, 'Hospital H', 'RHH'], [ORG.social, 'Social S', 'SOC1']]) {
    await t.api(`/Organization/${id}`, jsonBody({ resourceType: 'Organization', id, name, identifier: [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: system }] }, {}, 'PUT'));
  }
  const clients = {
    gp: await registerClient(t.app, { organizationId: ORG.gp, organizationKind: 'gp-practice', scopes: 'system/*.cruds', purposes: ['TREAT', 'CAREMGT', 'HPAYMT', 'ETREAT'] }),
    aco: await registerClient(t.app, { organizationId: ORG.aco, organizationKind: 'aco', scopes: 'system/*.rs system/Consent.cruds', purposes: ['TREAT', 'CAREMGT', 'HPAYMT', 'ETREAT'] }),
    hospital: await registerClient(t.app, { organizationId: ORG.hospital, organizationKind: 'hospital', scopes: 'system/*.cruds', purposes: ['TREAT', 'ETREAT'], breakGlass: true }),
    social: await registerClient(t.app, { organizationId: ORG.social, organizationKind: 'social-care', scopes: 'system/Patient.rs system/CarePlan.cruds system/Encounter.rs system/Observation.rs', purposes: ['TREAT', 'CAREMGT'] }),
    acoNoBtg: await registerClient(t.app, { organizationId: ORG.aco, organizationKind: 'aco', scopes: 'system/*.rs', purposes: ['ETREAT', 'CAREMGT'], defaultPurpose: 'CAREMGT' }),
  };
  const tokens = new Map<string, string>();
  const token = async (who: keyof typeof clients, purpose: string) => {
    const key = `${who}|${purpose}`;
    if (!tokens.has(key)) tokens.set(key, await tokenFor(t.baseUrl, clients[who], undefined, { extensions: { 'hl7-b2b': { version: '1', purpose_of_use: [purpose] } } }));
    return tokens.get(key) as string;
  };
  const write = async (who: keyof typeof clients, resource: Resource): Promise<string> => {
    const response = await t.follow(`${t.fhirBase}/${resource.resourceType}`, jsonBody(resource, { authorization: `Bearer ${await token(who, 'TREAT')}` }));
    if (response.status !== 201) throw new Error(`write ${resource.resourceType} failed: ${response.status} ${await response.text()}`);
    return ((await response.json()) as Resource).id as string;
  };
  return {
    clients,
    token,
    tokenAt: (who, purpose, now) => tokenFor(t.baseUrl, clients[who], undefined, { extensions: { 'hl7-b2b': { version: '1', purpose_of_use: [purpose] } } }, now),
    async createPatient(tag) {
      const patient: Patient = { resourceType: 'Patient', identifier: [{ system: 'urn:consent-test', value: tag }], name: [{ family: `Consent-${tag}` }], generalPractitioner: [{ reference: `Organization/${ORG.gp}` }] };
      const id = await write('gp', patient);
      const subject = { reference: `Patient/${id}` };
      const encounter = await write('hospital', { resourceType: 'Encounter', status: 'finished', class: { system: ACT, code: 'IMP' }, subject, period: { start: '2026-01-01', end: '2026-01-03' } } as Resource);
      const context = { reference: `Encounter/${encounter}` };
      const observation = await write('hospital', { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] }, subject, encounter: context, valueQuantity: { value: 70, unit: 'kg' } } as Resource);
      const condition = (code: string) => ({ resourceType: 'Condition', subject, encounter: context, code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code }] } }) as Resource;
      const psy = await write('hospital', condition('F32.1'));
      const eth = await write('hospital', condition('F10.2'));
      const soc = await write('social', { resourceType: 'CarePlan', status: 'active', intent: 'plan', subject, encounter: context, title: 'Home care package' } as Resource);
      return { id, encounter, observation, psy, eth, soc };
    },
    async consent(patientId, body) {
      const consent = {
        resourceType: 'Consent',
        scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
        category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
        patient: { reference: `Patient/${patientId}` },
        ...body,
      } as Consent;
      const response = await t.follow(`${t.fhirBase}/Consent`, jsonBody(consent, { authorization: `Bearer ${await token('gp', 'TREAT')}` }));
      if (response.status !== 201) throw new Error(`consent refused: ${response.status} ${await response.text()}`);
      return (await response.json()) as Consent;
    },
  };
}

/** Every id of `bundle` entries with search mode match or include. */
export function idsIn(bundle: Bundle): string[] {
  return (bundle.entry ?? []).filter((e) => e.search?.mode !== 'outcome').map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);
}

export const POLICY = (code: 'OPTIN' | 'OPTOUT') => ({ coding: [{ system: ACT, code }] });
