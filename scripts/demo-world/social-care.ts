/**
 * What the local authority's social-care system sends: needs assessments (Observations), care packages
 * (ServiceRequests) and support plans (CarePlans). Codes are local to CareBridge; the domains follow the
 * eligibility outcomes of an adult social-care needs assessment.
 */
import type { CarePlan, Observation, Resource, ServiceRequest } from 'fhir/r4.js';
import { SOURCE, SYSTEM, at, concept, day, demoMeta, ref } from './common.ts';
import { orgRef } from './organizations.ts';
import type { PatientKey } from './patient-table.ts';
import { patRef } from './records.ts';
import { pracRef } from './staff.ts';

const ASSESSMENT = 'https://carebridge.dev/fhir/CodeSystem/social-care-assessment';
const SERVICE = 'https://carebridge.dev/fhir/CodeSystem/social-care-service';
const DOMAINS = {
  nutrition: 'Managing and maintaining nutrition',
  hygiene: 'Maintaining personal hygiene',
  toileting: 'Managing toilet needs',
  dressing: 'Being appropriately clothed',
  home: 'Being able to make use of the home safely',
  relationships: 'Developing and maintaining family or other personal relationships',
} as const;
type Domain = keyof typeof DOMAINS;
const LEVEL = { independent: 'Independent', 'needs-help': 'Needs some help', unable: 'Unable to achieve without help' } as const;
type Level = keyof typeof LEVEL;
const SERVICES = {
  'home-care': 'Home care (domiciliary care) package',
  reablement: 'Reablement after hospital discharge',
  'nursing-home': 'Nursing home placement',
} as const;

interface PackageSpec {
  patient: PatientKey;
  assessed: number;
  needs: Partial<Record<Domain, Level>>;
  service: keyof typeof SERVICES;
  start: number;
  end?: number;
  hoursPerWeek?: number;
  provider: string;
  /** The GP problem-list Condition the plan addresses. */
  addresses?: string;
  plan: string;
}

const PACKAGES: readonly PackageSpec[] = [
  { patient: 'ellis', assessed: -15, needs: { nutrition: 'needs-help', hygiene: 'needs-help', dressing: 'needs-help', home: 'needs-help', relationships: 'independent' }, service: 'home-care', start: -14, hoursPerWeek: 10.5, provider: 'Riverside Homecare Ltd', addresses: 'cond-ellis-hf', plan: 'Two calls a day for personal care and meals; weekly check of weight for the heart-failure nurse.' },
  { patient: 'hargreaves', assessed: -80, needs: { hygiene: 'needs-help', dressing: 'needs-help', home: 'unable', toileting: 'needs-help' }, service: 'reablement', start: -78, end: -36, hoursPerWeek: 14, provider: 'Riverside Council Reablement Team', plan: 'Six weeks of reablement after hip surgery, aiming at independent mobility at home.' },
  { patient: 'baker', assessed: -600, needs: { nutrition: 'unable', hygiene: 'unable', toileting: 'needs-help', dressing: 'unable', home: 'unable', relationships: 'needs-help' }, service: 'home-care', start: -590, hoursPerWeek: 21, provider: 'Southvale Care at Home', addresses: 'cond-baker-dementia', plan: 'Three calls a day and a weekly day-centre place; carer (daughter) visits daily.' },
  { patient: 'pennington', assessed: -33, needs: { nutrition: 'unable', hygiene: 'unable', toileting: 'unable', dressing: 'unable', home: 'unable' }, service: 'nursing-home', start: -30, provider: 'Meadowbank Nursing Home', plan: 'Permanent nursing-home placement on discharge from Southvale General Hospital.' },
];

function assessment(p: PackageSpec): Observation {
  const id = `obs-${p.patient}-care-assessment-${day(p.assessed).replaceAll('-', '')}`;
  return {
    resourceType: 'Observation',
    id,
    meta: demoMeta(SOURCE.socialCare),
    status: 'final',
    category: [concept('http://terminology.hl7.org/CodeSystem/observation-category', 'social-history', 'Social History', 'Social care')],
    code: concept(ASSESSMENT, 'needs-assessment', 'Adult social care needs assessment'),
    subject: patRef(p.patient),
    effectiveDateTime: at(p.assessed, '14:00'),
    performer: [pracRef('doyle'), orgRef('social')],
    valueCodeableConcept: concept(ASSESSMENT, 'eligible', 'Eligible care and support needs'),
    component: (Object.entries(p.needs) as [Domain, Level][]).map(([domain, level]) => ({
      code: concept(ASSESSMENT, domain, DOMAINS[domain]),
      valueCodeableConcept: concept(ASSESSMENT, level, LEVEL[level]),
    })),
  };
}

function request(p: PackageSpec, assessmentId: string): ServiceRequest {
  const sr: ServiceRequest = {
    resourceType: 'ServiceRequest',
    id: `sr-${p.patient}-${p.service}`,
    meta: demoMeta(SOURCE.socialCare),
    status: p.end === undefined ? 'active' : 'completed',
    intent: 'order',
    category: [{ text: 'Social care' }],
    code: concept(SERVICE, p.service, SERVICES[p.service]),
    subject: patRef(p.patient),
    occurrencePeriod: { start: day(p.start), ...(p.end === undefined ? {} : { end: day(p.end) }) },
    authoredOn: at(p.assessed, '16:00'),
    requester: pracRef('doyle'),
    performer: [{ display: `${p.provider} (commissioned provider)` }],
    reasonReference: [ref('Observation', assessmentId)],
    note: [{ text: p.plan }],
  };
  if (p.hoursPerWeek !== undefined) sr.quantityQuantity = { value: p.hoursPerWeek, unit: 'hours per week', system: SYSTEM.ucum, code: 'h/wk' };
  return sr;
}

function plan(p: PackageSpec, requestId: string): CarePlan {
  const cp: CarePlan = {
    resourceType: 'CarePlan',
    id: `careplan-${p.patient}-social-care`,
    meta: demoMeta(SOURCE.socialCare),
    status: p.end === undefined ? 'active' : 'completed',
    intent: 'plan',
    category: [{ text: 'Social care and support plan' }],
    title: `Care and support plan: ${SERVICES[p.service].toLowerCase()}`,
    description: p.plan,
    subject: patRef(p.patient),
    period: { start: day(p.start), ...(p.end === undefined ? {} : { end: day(p.end) }) },
    created: at(p.assessed, '16:00'),
    author: orgRef('social'),
    contributor: [pracRef('doyle')],
    careTeam: [ref('CareTeam', 'careteam-riverside-complex-care', 'Riverside Complex Care Team')],
    activity: [{ reference: ref('ServiceRequest', requestId) }],
  };
  if (p.addresses) cp.addresses = [ref('Condition', p.addresses)];
  return cp;
}

/** Every social-care record of the world. */
export function buildSocialCareRecords(): Resource[] {
  return PACKAGES.flatMap((p) => {
    const obs = assessment(p);
    const sr = request(p, obs.id as string);
    return [obs, sr, plan(p, sr.id as string)];
  });
}
