/**
 * The 20 synthetic patients: names, demographics, registered practice and usual GP. Ages run 19-94 at the
 * anchor date. Addresses are fictional (RV is not a real postcode area).
 */
import type { StaffKey } from './staff.ts';
import type { PracticeKey } from './organizations.ts';

export interface PatientSpec {
  given: readonly string[];
  family: string;
  gender: 'female' | 'male';
  birthDate: string;
  practice: PracticeKey;
  gp: StaffKey;
  line: string;
  city: 'Riverside' | 'Northbridge' | 'Southvale';
  postalCode: string;
  /** v3 MaritalStatus code. */
  marital: 'M' | 'W' | 'S' | 'D';
  /** Days from the anchor and time of death, for the patient who dies in hospital. */
  died?: readonly [number, string];
  email?: boolean;
  /** BCP-47 language when not English. */
  language?: readonly [string, string];
}

export const PATIENTS = {
  ellis: { given: ['Margaret', 'Anne'], family: 'Ellis', gender: 'female', birthDate: '1938-03-14', practice: 'riverside', gp: 'rahman', line: '22 Willow Crescent', city: 'Riverside', postalCode: 'RV2 3WC', marital: 'W' },
  pennington: { given: ['Arthur'], family: 'Pennington', gender: 'male', birthDate: '1932-07-02', practice: 'castle', gp: 'whitfield', line: '5 Abbey Mews', city: 'Northbridge', postalCode: 'RV4 1AM', marital: 'W' },
  okonkwo: { given: ['David', 'Chukwuemeka'], family: 'Okonkwo', gender: 'male', birthDate: '1958-11-23', practice: 'riverside', gp: 'evans', line: '81 Foundry Lane', city: 'Riverside', postalCode: 'RV1 6FL', marital: 'M', email: true },
  hargreaves: { given: ['Susan'], family: 'Hargreaves', gender: 'female', birthDate: '1949-05-08', practice: 'millbrook', gp: 'nair', line: '9 Orchard Close', city: 'Southvale', postalCode: 'RV9 4OC', marital: 'M' },
  brennan: { given: ['Patrick', 'Joseph'], family: 'Brennan', gender: 'male', birthDate: '1944-01-30', practice: 'castle', gp: 'whitfield', line: '40 Station Road', city: 'Northbridge', postalCode: 'RV4 2SR', marital: 'M', died: [-23, '04:20'] },
  whitaker: { given: ['Chloe'], family: 'Whitaker', gender: 'female', birthDate: '2007-06-19', practice: 'millbrook', gp: 'nair', line: 'Flat 3, 17 Canal Street', city: 'Southvale', postalCode: 'RV9 1CS', marital: 'S', email: true },
  foster: { given: ['Liam'], family: 'Foster', gender: 'male', birthDate: '1991-02-11', practice: 'riverside', gp: 'evans', line: 'Flat 12, Tanner House', city: 'Riverside', postalCode: 'RV1 5TH', marital: 'D' },
  moss: { given: ['Hannah', 'Louise'], family: 'Moss', gender: 'female', birthDate: '1986-09-04', practice: 'castle', gp: 'whitfield', line: '63 Beacon Road', city: 'Northbridge', postalCode: 'RV4 6BR', marital: 'M', email: true },
  kaur: { given: ['Rajinder'], family: 'Kaur', gender: 'female', birthDate: '1962-12-15', practice: 'millbrook', gp: 'nair', line: '28 Linden Avenue', city: 'Southvale', postalCode: 'RV9 3LA', marital: 'M', language: ['pa', 'Panjabi'] },
  thompson: { given: ['George', 'William'], family: 'Thompson', gender: 'male', birthDate: '1955-04-27', practice: 'riverside', gp: 'rahman', line: '7 Ferry Road', city: 'Riverside', postalCode: 'RV2 8FR', marital: 'M' },
  hussain: { given: ['Fatima'], family: 'Hussain', gender: 'female', birthDate: '1979-08-30', practice: 'castle', gp: 'whitfield', line: '112 Kingsway', city: 'Northbridge', postalCode: 'RV4 3KW', marital: 'M', email: true, language: ['ur', 'Urdu'] },
  carter: { given: ['William', 'Henry'], family: 'Carter', gender: 'male', birthDate: '1940-10-10', practice: 'millbrook', gp: 'nair', line: '2 Chapel Row', city: 'Southvale', postalCode: 'RV9 6CR', marital: 'M' },
  clarke: { given: ['Emily'], family: 'Clarke', gender: 'female', birthDate: '1995-03-22', practice: 'riverside', gp: 'rahman', line: '54 Harbour View', city: 'Riverside', postalCode: 'RV1 3HV', marital: 'S', email: true },
  ali: { given: ['Mohammed', 'Tariq'], family: 'Ali', gender: 'male', birthDate: '1968-06-05', practice: 'castle', gp: 'whitfield', line: '19 Mill Street', city: 'Northbridge', postalCode: 'RV4 5MS', marital: 'M' },
  baker: { given: ['Dorothy', 'May'], family: 'Baker', gender: 'female', birthDate: '1936-02-17', practice: 'millbrook', gp: 'nair', line: '1 Almshouse Yard', city: 'Southvale', postalCode: 'RV9 2AY', marital: 'W' },
  grant: { given: ['Oliver'], family: 'Grant', gender: 'male', birthDate: '2001-12-01', practice: 'riverside', gp: 'evans', line: '36 Cooper Street', city: 'Riverside', postalCode: 'RV1 7CO', marital: 'S', email: true },
  adeyemi: { given: ['Grace', 'Folake'], family: 'Adeyemi', gender: 'female', birthDate: '1973-07-29', practice: 'castle', gp: 'whitfield', line: '8 Queens Parade', city: 'Northbridge', postalCode: 'RV4 8QP', marital: 'D' },
  novak: { given: ['Peter'], family: 'Novak', gender: 'male', birthDate: '1951-09-09', practice: 'millbrook', gp: 'nair', line: '47 Heath Lane', city: 'Southvale', postalCode: 'RV9 7HL', marital: 'M', language: ['pl', 'Polish'] },
  gallagher: { given: ['Ruth'], family: 'Gallagher', gender: 'female', birthDate: '1946-11-20', practice: 'riverside', gp: 'rahman', line: '15 Bridge End', city: 'Riverside', postalCode: 'RV2 1BE', marital: 'W' },
  kowalski: { given: ['Daniel'], family: 'Kowalski', gender: 'male', birthDate: '1983-04-14', practice: 'millbrook', gp: 'nair', line: '70 Weavers Way', city: 'Southvale', postalCode: 'RV9 8WW', marital: 'M' },
} as const satisfies Record<string, PatientSpec>;

export type PatientKey = keyof typeof PATIENTS;

/** The patient's resource id, e.g. `pat-ellis-margaret`. */
export function patientId(key: PatientKey): string {
  const spec: PatientSpec = PATIENTS[key];
  return `pat-${key}-${(spec.given[0] ?? '').toLowerCase()}`;
}

/** "Given Family" for reference displays. */
export function patientName(key: PatientKey): string {
  const spec: PatientSpec = PATIENTS[key];
  return `${spec.given[0] ?? ''} ${spec.family}`;
}
