/**
 * Practitioners of the demo world, their roles at the organisations, and the ACO's complex-care team.
 * GMC numbers and e-mail addresses are invented.
 */
import type { CareTeam, Practitioner, PractitionerRole } from 'fhir/r4.js';
import { SOURCE, SYSTEM, concept, demoMeta, ref } from './common.ts';
import { ORGS, type OrgKey, orgRef } from './organizations.ts';

type Occupation = 'gp' | 'doctor' | 'social-worker' | 'nurse';

interface StaffSpec {
  given: string;
  family: string;
  gender: 'female' | 'male';
  org: OrgKey;
  occupation: Occupation;
  /** SNOMED CT practice setting, or plain text where no coding is asserted. */
  specialty: readonly [string, string] | string;
  /** GMC number for doctors, a staff number otherwise. */
  number: string;
}

const OCCUPATION: Record<Occupation, readonly [string, string]> = {
  gp: ['62247001', 'General practitioner'],
  doctor: ['158965000', 'Medical practitioner'],
  'social-worker': ['106328005', 'Social worker'],
  nurse: ['224535009', 'Registered nurse'],
};
const GENERAL_PRACTICE = ['394814009', 'General practice'] as const;

export const STAFF = {
  rahman: { given: 'Amina', family: 'Rahman', gender: 'female', org: 'riverside', occupation: 'gp', specialty: GENERAL_PRACTICE, number: '7900101' },
  evans: { given: 'Gareth', family: 'Evans', gender: 'male', org: 'riverside', occupation: 'gp', specialty: GENERAL_PRACTICE, number: '7900102' },
  whitfield: { given: 'Thomas', family: 'Whitfield', gender: 'male', org: 'castle', occupation: 'gp', specialty: GENERAL_PRACTICE, number: '7900103' },
  nair: { given: 'Priya', family: 'Nair', gender: 'female', org: 'millbrook', occupation: 'gp', specialty: GENERAL_PRACTICE, number: '7900104' },
  okafor: { given: 'Helen', family: 'Okafor', gender: 'female', org: 'north', occupation: 'doctor', specialty: ['394579002', 'Cardiology'], number: '7900201' },
  liu: { given: 'James', family: 'Liu', gender: 'male', org: 'north', occupation: 'doctor', specialty: ['394802001', 'General medicine'], number: '7900202' },
  marsh: { given: 'Andrew', family: 'Marsh', gender: 'male', org: 'north', occupation: 'doctor', specialty: ['394801008', 'Trauma and orthopaedics'], number: '7900203' },
  patel: { given: 'Rajesh', family: 'Patel', gender: 'male', org: 'southvale', occupation: 'doctor', specialty: ['394811001', 'Geriatric medicine'], number: '7900301' },
  hughes: { given: 'Eleanor', family: 'Hughes', gender: 'female', org: 'southvale', occupation: 'doctor', specialty: ['418112009', 'Pulmonary medicine'], number: '7900302' },
  murphy: { given: 'Siobhan', family: 'Murphy', gender: 'female', org: 'southvale', occupation: 'doctor', specialty: ['394587001', 'Psychiatry'], number: '7900303' },
  doyle: { given: 'Karen', family: 'Doyle', gender: 'female', org: 'social', occupation: 'social-worker', specialty: 'Adult social care', number: 'SW-40017' },
  bennett: { given: 'Lucy', family: 'Bennett', gender: 'female', org: 'team', occupation: 'nurse', specialty: 'Community case management', number: 'RN-50021' },
} as const satisfies Record<string, StaffSpec>;
export type StaffKey = keyof typeof STAFF;

const practitionerId = (key: StaffKey): string => `prac-${STAFF[key].given}-${STAFF[key].family}`.toLowerCase();
const isDoctor = (spec: StaffSpec): boolean => spec.occupation === 'gp' || spec.occupation === 'doctor';
const displayName = (spec: StaffSpec): string => `${isDoctor(spec) ? 'Dr ' : ''}${spec.given} ${spec.family}`;

/** A reference to a demo practitioner. */
export function pracRef(key: StaffKey): ReturnType<typeof ref> {
  return ref('Practitioner', practitionerId(key), displayName(STAFF[key]));
}

/** A reference to a practitioner's role at their organisation. */
export function roleRef(key: StaffKey): ReturnType<typeof ref> {
  return ref('PractitionerRole', `role-${practitionerId(key).slice(5)}`, `${displayName(STAFF[key])}, ${ORGS[STAFF[key].org].name}`);
}

function practitioner(key: StaffKey): Practitioner {
  const spec: StaffSpec = STAFF[key];
  const email = `${spec.given}.${spec.family}@${ORGS[spec.org].id.replace(/^org-/, '')}.example`.toLowerCase();
  const doctor = isDoctor(spec);
  return {
    resourceType: 'Practitioner',
    id: practitionerId(key),
    meta: demoMeta(SOURCE.directory),
    identifier: [{ system: doctor ? SYSTEM.gmc : SYSTEM.staff, value: spec.number }],
    active: true,
    name: [{ use: 'official', family: spec.family, given: [spec.given], ...(doctor ? { prefix: ['Dr'] } : {}) }],
    telecom: [{ system: 'email', value: email, use: 'work' }],
    gender: spec.gender,
  };
}

function role(key: StaffKey): PractitionerRole {
  const spec: StaffSpec = STAFF[key];
  const [code, display] = OCCUPATION[spec.occupation];
  return {
    resourceType: 'PractitionerRole',
    id: (roleRef(key).reference as string).slice('PractitionerRole/'.length),
    meta: demoMeta(SOURCE.directory),
    active: true,
    period: { start: '2019-04-01' },
    practitioner: pracRef(key),
    organization: orgRef(spec.org),
    code: [concept(SYSTEM.snomed, code, display)],
    specialty: [typeof spec.specialty === 'string' ? { text: spec.specialty } : concept(SYSTEM.snomed, spec.specialty[0], spec.specialty[1])],
    telecom: [{ system: 'phone', value: ORGS[spec.org].phone, use: 'work' }],
  };
}

function careTeam(): CareTeam {
  const member = (key: StaffKey, role: string) => ({ role: [{ text: role }], member: pracRef(key), onBehalfOf: orgRef(STAFF[key].org) });
  return {
    resourceType: 'CareTeam',
    id: 'careteam-riverside-complex-care',
    meta: demoMeta(SOURCE.aco),
    status: 'active',
    category: [concept(SYSTEM.loinc, 'LA28865-6', 'Longitudinal care-coordination focused care team')],
    name: 'Riverside Complex Care Team',
    period: { start: '2025-04-01' },
    participant: [
      { role: [{ text: 'Care-team organisation' }], member: orgRef('team') },
      member('bennett', 'Case manager (community matron)'),
      member('doyle', 'Link officer (social care)'),
      member('rahman', 'GP lead'),
      member('patel', 'Consultant geriatrician'),
    ],
    managingOrganization: [orgRef('aco')],
    telecom: [{ system: 'phone', value: ORGS.team.phone, use: 'work' }],
    note: [{ text: 'Coordinates care for the 5% most complex patients of the partnership (synthetic demo data).' }],
  };
}

/** Every Practitioner, PractitionerRole and the ACO CareTeam. */
export function buildStaff(): (Practitioner | PractitionerRole | CareTeam)[] {
  const keys = Object.keys(STAFF) as StaffKey[];
  return [...keys.map(practitioner), ...keys.map(role), careTeam()];
}
