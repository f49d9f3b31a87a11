/**
 * Attribution rosters of the demo world, Da Vinci ATR style (SPECS.md §b8): a `Group` per GP practice with its
 * registered patients, and the ACO's roster covering every patient, each member naming its practice with the
 * ATR `ext-attributedProvider` extension. `member.period` starts at the practice registration (practice
 * rosters) or the ACO performance year; a patient who died leaves both on the day of death.
 */
import type { Group, GroupMember } from 'fhir/r4.js';
import { SOURCE, day, demoMeta, ref } from './common.ts';
import { ORGS, type PracticeKey, orgRef } from './organizations.ts';
import { PATIENTS, type PatientKey, type PatientSpec, patientId, patientName } from './patient-table.ts';

const ATTRIBUTED_PROVIDER = 'http://hl7.org/fhir/us/davinci-atr/StructureDefinition/ext-attributedProvider';
const ROSTER_KIND = 'https://carebridge.dev/fhir/CodeSystem/roster-kind';
const ROSTER_ID = 'https://carebridge.dev/fhir/id/roster';
/** Registration with the practice, for every demo patient. */
const REGISTERED = '2024-04-01';
/** The ACO's performance year began on 1 January 2025. */
const ACO_YEAR = '2025-01-01';

function member(key: PatientKey, start: string, provider?: PracticeKey): GroupMember {
  const spec: PatientSpec = PATIENTS[key];
  const entry: GroupMember = { entity: ref('Patient', patientId(key), patientName(key)), period: { start }, inactive: false };
  if (spec.died) entry.period = { start, end: day(spec.died[0]) };
  if (provider) entry.extension = [{ url: ATTRIBUTED_PROVIDER, valueReference: orgRef(provider) }];
  return entry;
}

function roster(id: string, name: string, kind: 'practice' | 'aco', manager: ReturnType<typeof orgRef>, source: string, members: GroupMember[]): Group {
  return {
    resourceType: 'Group',
    id,
    meta: demoMeta(source),
    identifier: [{ system: ROSTER_ID, value: id }],
    active: true,
    type: 'person',
    actual: true,
    code: { coding: [{ system: ROSTER_KIND, code: kind, display: kind === 'aco' ? 'ACO attribution roster' : 'Practice roster' }], text: name },
    name,
    quantity: members.filter((m) => m.period?.end === undefined).length,
    managingEntity: manager,
    member: members,
  };
}

/** The three practice rosters and the ACO roster. */
export function buildRosters(): Group[] {
  const keys = Object.keys(PATIENTS) as PatientKey[];
  const practices: PracticeKey[] = ['riverside', 'castle', 'millbrook'];
  const own = practices.map((practice) => {
    const spec = ORGS[practice];
    const members = keys.filter((key) => (PATIENTS[key] as PatientSpec).practice === practice).map((key) => member(key, REGISTERED));
    return roster(`roster-${spec.id}`, `${spec.name} registered list`, 'practice', orgRef(practice), spec.source, members);
  });
  const aco = roster(
    `roster-${ORGS.aco.id}`,
    `${ORGS.aco.name} attributed population`,
    'aco',
    orgRef('aco'),
    SOURCE.aco,
    keys.map((key) => member(key, ACO_YEAR, (PATIENTS[key] as PatientSpec).practice)),
  );
  return [...own, aco];
}
