/**
 * The consent matrix over real HTTP (issue: consent; RELIABILITY.md cases 15–19): jurisdiction default ×
 * consent situation × requesting organization × purpose of use × kind of data, each observed on every
 * outbound path (read, search, _include, _revinclude, $everything, history, paging). Every row states
 * what must be visible; whatever is not listed must not appear on any path.
 */
import type { Bundle } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../support/app.ts';
import { type ConsentWorld, ORG, POLICY, type WorldPatient, buildConsentWorld, idsIn } from '../support/consent-world.ts';

type Kind = 'B' | 'P' | 'E' | 'S';
type Requester = 'gp' | 'aco';
type Purpose = 'TREAT' | 'CAREMGT' | 'HPAYMT';

const DAY = 86_400_000;
const iso = (offset: number) => new Date(Date.now() + offset).toISOString();
const label = (code: string) => ({ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code });
const acoActor = { role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] }, reference: { reference: `Organization/${ORG.aco}` } };
const acoByIdentifier = { role: acoActor.role, reference: { identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'ACOB1' } } };

/** Consent situations: the consents the patient's practice records (none for `none`). */
const SITUATIONS: Record<string, ConsentWorld['consent'] extends (p: string, b: infer B) => unknown ? B[] : never> = {
  none: [],
  permit: [{ status: 'active', policyRule: POLICY('OPTIN'), provision: { type: 'permit' } }],
  deny: [{ status: 'active', policyRule: POLICY('OPTOUT'), provision: { type: 'deny' } }],
  'deny-aco-by-reference': [{ status: 'active', policyRule: POLICY('OPTIN'), provision: { type: 'permit', provision: [{ type: 'deny', actor: [acoActor] }] } }],
  'deny-aco-by-identifier': [{ status: 'active', policyRule: POLICY('OPTIN'), provision: { type: 'permit', provision: [{ type: 'deny', actor: [acoByIdentifier] }] } }],
  'treat-only': [{ status: 'active', policyRule: POLICY('OPTOUT'), provision: { type: 'deny', provision: [{ type: 'permit', purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }] }] } }],
  'permit-psy': [{ status: 'active', policyRule: POLICY('OPTIN'), provision: { type: 'permit', provision: [{ type: 'permit', securityLabel: [label('PSY')] }] } }],
  'expired-deny': [{ status: 'active', policyRule: POLICY('OPTOUT'), provision: { type: 'deny', period: { start: iso(-30 * DAY), end: iso(-DAY) } } }],
  'future-deny': [{ status: 'active', policyRule: POLICY('OPTOUT'), provision: { type: 'deny', period: { start: iso(DAY) } } }],
  'inactive-deny': [{ status: 'inactive', policyRule: POLICY('OPTOUT'), provision: { type: 'deny' } }],
  conflicting: [
    { status: 'active', policyRule: POLICY('OPTIN'), provision: { type: 'permit' } },
    { status: 'active', policyRule: POLICY('OPTOUT'), provision: { type: 'deny' } },
  ],
};

/** What each requester/purpose sees: a string of kinds (B unlabelled, P mental health, E substance use, S social care). */
type Grid = Record<`${Requester}/${Purpose}`, string>;
const grid = (gpTreat: string, gpCare: string, gpPay: string, acoTreat: string, acoCare: string, acoPay: string): Grid => ({
  'gp/TREAT': gpTreat, 'gp/CAREMGT': gpCare, 'gp/HPAYMT': gpPay, 'aco/TREAT': acoTreat, 'aco/CAREMGT': acoCare, 'aco/HPAYMT': acoPay,
});

const EXPECTED: Record<'opt-out' | 'opt-in', Record<keyof typeof SITUATIONS, Grid>> = {
  'opt-out': {
    // No consent: direct care (TREAT, CAREMGT) sees unlabelled data; payment sees nothing; sensitive never by default.
    none: grid('B', 'B', '', 'B', 'B', ''),
    permit: grid('B', 'B', 'B', 'B', 'B', 'B'),
    deny: grid('', '', '', '', '', ''),
    'deny-aco-by-reference': grid('B', 'B', 'B', '', '', ''),
    'deny-aco-by-identifier': grid('B', 'B', 'B', '', '', ''),
    'treat-only': grid('B', '', '', 'B', '', ''),
    'permit-psy': grid('BP', 'BP', 'BP', 'BP', 'BP', 'BP'),
    'expired-deny': grid('B', 'B', '', 'B', 'B', ''),
    'future-deny': grid('B', 'B', '', 'B', 'B', ''),
    'inactive-deny': grid('B', 'B', '', 'B', 'B', ''),
    conflicting: grid('', '', '', '', '', ''),
  },
  'opt-in': {
    none: grid('', '', '', '', '', ''),
    permit: grid('B', 'B', 'B', 'B', 'B', 'B'),
    deny: grid('', '', '', '', '', ''),
    'deny-aco-by-reference': grid('B', 'B', 'B', '', '', ''),
    'deny-aco-by-identifier': grid('B', 'B', 'B', '', '', ''),
    'treat-only': grid('B', '', '', 'B', '', ''),
    'permit-psy': grid('BP', 'BP', 'BP', 'BP', 'BP', 'BP'),
    'expired-deny': grid('', '', '', '', '', ''),
    'future-deny': grid('', '', '', '', '', ''),
    'inactive-deny': grid('', '', '', '', '', ''),
    conflicting: grid('', '', '', '', '', ''),
  },
};

const PATHS = ['read', 'search', 'include', 'revinclude', 'everything', 'history', 'paging'] as const;

describe.each(['opt-out', 'opt-in'] as const)('consent matrix with the %s default', (defaultPolicy) => {
  let t: TestApp;
  let world: ConsentWorld;
  const patients = new Map<string, WorldPatient>();

  beforeAll(async () => {
    t = await startTestApp('pglite', { CONSENT_DEFAULT: defaultPolicy });
    world = await buildConsentWorld(t);
    for (const [situation, consents] of Object.entries(SITUATIONS)) {
      const patient = await world.createPatient(`${defaultPolicy}-${situation}`);
      for (const consent of consents) await world.consent(patient.id, consent);
      patients.set(situation, patient);
    }
  }, 240_000);
  afterAll(() => t.close());

  /** Where each resource of the patient shows up, per path, for this token. */
  async function observe(token: string, p: WorldPatient): Promise<Map<string, Set<string>>> {
    const seen = new Map<string, Set<string>>();
    const note = (path: string, refs: string[]) => refs.forEach((ref) => seen.set(ref, (seen.get(ref) ?? new Set()).add(path)));
    const get = async (url: string) => {
      const response = await t.follow(url.startsWith('http') ? url : `${t.fhirBase}${url}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, body: (await response.json()) as Bundle & { resourceType: string; id?: string } };
    };
    const resources: [string, string, string][] = [
      ['Patient', p.id, '_id'], ['Encounter', p.encounter, 'patient'], ['Observation', p.observation, 'patient'],
      ['Condition', p.psy, 'patient'], ['Condition', p.eth, 'patient'], ['CarePlan', p.soc, 'patient'],
    ];
    for (const [type, id, param] of resources) {
      const read = await get(`/${type}/${id}`);
      if (read.status === 200) note('read', [`${type}/${id}`]);
      else expect(read.status).toBe(404);
      note('search', idsIn((await get(`/${type}?${param}=${param === '_id' ? p.id : `Patient/${p.id}`}`)).body));
      note('include', idsIn((await get(`/Provenance?target=${type}/${id}&_include=Provenance:target`)).body).filter((ref) => !ref.startsWith('Provenance/')));
      const history = await get(`/${type}/${id}/_history`);
      if (history.status === 200) note('history', idsIn(history.body).length > 0 ? [`${type}/${id}`] : []);
      let page: string | undefined = `/${type}?${param}=${param === '_id' ? p.id : `Patient/${p.id}`}&_count=1`;
      while (page) {
        const result = await get(page);
        note('paging', idsIn(result.body));
        page = result.body.link?.find((l) => l.relation === 'next')?.url;
      }
    }
    for (const type of ['Observation', 'Condition', 'CarePlan']) note('revinclude', idsIn((await get(`/Encounter?_id=${p.encounter}&_revinclude=${type}:encounter`)).body));
    note('revinclude', idsIn((await get(`/Patient?_id=${p.id}&_revinclude=Encounter:patient`)).body));
    const everything = await get(`/Patient/${p.id}/$everything`);
    if (everything.status === 200) note('everything', idsIn(everything.body));
    return seen;
  }

  const kindsOf = (p: WorldPatient): Record<Kind, string[]> => ({
    B: [`Patient/${p.id}`, `Encounter/${p.encounter}`, `Observation/${p.observation}`],
    P: [`Condition/${p.psy}`],
    E: [`Condition/${p.eth}`],
    S: [`CarePlan/${p.soc}`],
  });

  for (const situation of Object.keys(SITUATIONS)) {
    it(`${situation}: every requester and purpose sees exactly what the row says, on every path`, async () => {
      const p = patients.get(situation) as WorldPatient;
      for (const [cell, visible] of Object.entries(EXPECTED[defaultPolicy][situation] as Grid)) {
        const [requester, purpose] = cell.split('/') as [Requester, Purpose];
        const seen = await observe(await world.token(requester, purpose), p);
        for (const [kind, refs] of Object.entries(kindsOf(p)) as [Kind, string[]][]) {
          for (const ref of refs) {
            const paths = [...(seen.get(ref) ?? [])].sort();
            if (visible.includes(kind)) expect(paths, `${situation} ${cell} ${kind} ${ref} should be visible`).toEqual([...PATHS].sort());
            else expect(paths, `${situation} ${cell} ${kind} ${ref} must not leak`).toEqual([]);
          }
        }
      }
    }, 120_000);
  }
});
