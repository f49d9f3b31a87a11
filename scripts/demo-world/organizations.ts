/**
 * The organisations of the demo world and the hospital locations. ODS codes here start with Z and are
 * invented; telephone numbers are from Ofcom's drama range (01632 960xxx).
 */
import type { Location, Organization } from 'fhir/r4.js';
import { DEMO_MARKER } from '../../src/demo/load-demo.ts';
import { SOURCE, SYSTEM, concept, demoMeta, ref } from './common.ts';

/** The organisation kinds the gateway distinguishes (`type` under the organization-kind code system). */
export type OrgKind = 'hospital' | 'gp-practice' | 'social-care' | 'aco' | 'care-team';
export type OrgKey = 'north' | 'southvale' | 'riverside' | 'castle' | 'millbrook' | 'social' | 'aco' | 'team';
export type HospitalKey = 'north' | 'southvale';
export type PracticeKey = 'riverside' | 'castle' | 'millbrook';

export interface OrgSpec {
  id: string;
  ods: string;
  name: string;
  kind: OrgKind;
  /** http://terminology.hl7.org/CodeSystem/organization-type */
  hl7Type: readonly [string, string];
  line: string;
  city: string;
  postalCode: string;
  phone: string;
  /** The system that sends this organisation's records (`meta.source` of its clinical data). */
  source: string;
  alias?: string;
  partOf?: OrgKey;
}

const KIND_DISPLAY: Record<OrgKind, string> = {
  hospital: 'Hospital',
  'gp-practice': 'GP practice',
  'social-care': 'Social-care team',
  aco: 'Accountable care / integrated care organisation',
  'care-team': 'Care team',
};

const PROV = ['prov', 'Healthcare Provider'] as const;
const src = (name: string): string => `https://carebridge.dev/source/${name}`;

export const ORGS: Record<OrgKey, OrgSpec> = {
  north: { id: 'org-north-hospital', ods: 'ZNR', name: 'North Riverside Hospital', kind: 'hospital', hl7Type: PROV, line: '1 Riverside Way', city: 'Riverside', postalCode: 'RV1 4NR', phone: '01632 960100', source: src('north-riverside-pas'), alias: 'North Riverside Hospitals NHS Trust' },
  southvale: { id: 'org-southvale-hospital', ods: 'ZSV', name: 'Southvale General Hospital', kind: 'hospital', hl7Type: PROV, line: 'Hollins Lane', city: 'Southvale', postalCode: 'RV9 2SG', phone: '01632 960200', source: src('southvale-epr'), alias: 'Southvale Health NHS Foundation Trust (acute and mental health)' },
  riverside: { id: 'org-gp-riverside-medical-centre', ods: 'Z81001', name: 'Riverside Medical Centre', kind: 'gp-practice', hl7Type: PROV, line: '14 Quay Street', city: 'Riverside', postalCode: 'RV1 2QS', phone: '01632 960301', source: src('gp-riverside-medical-centre') },
  castle: { id: 'org-gp-castle-street-surgery', ods: 'Z81002', name: 'Castle Street Surgery', kind: 'gp-practice', hl7Type: PROV, line: '3 Castle Street', city: 'Northbridge', postalCode: 'RV4 7CS', phone: '01632 960302', source: src('gp-castle-street-surgery') },
  millbrook: { id: 'org-gp-millbrook-health-centre', ods: 'Z81003', name: 'Millbrook Health Centre', kind: 'gp-practice', hl7Type: PROV, line: 'Millbrook Road', city: 'Southvale', postalCode: 'RV9 5MB', phone: '01632 960303', source: src('gp-millbrook-health-centre') },
  social: { id: 'org-riverside-council-social-care', ods: 'ZLA', name: 'Riverside Borough Council Adult Social Care', kind: 'social-care', hl7Type: ['govt', 'Government'], line: 'Town Hall, Market Place', city: 'Riverside', postalCode: 'RV1 1TH', phone: '01632 960400', source: SOURCE.socialCare },
  aco: { id: DEMO_MARKER.id, ods: 'ZRCP', name: 'Riverside Care Partnership (ACO)', kind: 'aco', hl7Type: ['other', 'Other'], line: '2 Partnership House, Quay Street', city: 'Riverside', postalCode: 'RV1 2QP', phone: '01632 960500', source: SOURCE.aco, alias: 'Riverside integrated care organisation' },
  team: { id: 'org-riverside-integrated-care-team', ods: 'ZRCP1', name: 'Riverside Integrated Care Team', kind: 'care-team', hl7Type: ['team', 'Organizational team'], line: '2 Partnership House, Quay Street', city: 'Riverside', postalCode: 'RV1 2QP', phone: '01632 960501', source: SOURCE.aco, partOf: 'aco' },
};

/** The local MRN system of a hospital. */
export function mrnSystem(hospital: HospitalKey): string {
  return `https://carebridge.dev/fhir/id/mrn/${ORGS[hospital].ods}`;
}

/** A reference to an organisation of the demo world. */
export function orgRef(key: OrgKey): ReturnType<typeof ref> {
  return ref('Organization', ORGS[key].id, ORGS[key].name);
}

function organization(spec: OrgSpec): Organization {
  const org: Organization = {
    resourceType: 'Organization',
    id: spec.id,
    meta: demoMeta(SOURCE.directory),
    identifier: [{ system: SYSTEM.ods, value: spec.ods }],
    active: true,
    type: [
      concept(SYSTEM.orgKind, spec.kind, KIND_DISPLAY[spec.kind]),
      concept('http://terminology.hl7.org/CodeSystem/organization-type', spec.hl7Type[0], spec.hl7Type[1]),
    ],
    name: spec.name,
    telecom: [{ system: 'phone', value: spec.phone, use: 'work' }],
    address: [{ use: 'work', line: [spec.line], city: spec.city, postalCode: spec.postalCode, country: 'GB' }],
  };
  if (spec.alias) org.alias = [spec.alias];
  if (spec.partOf) org.partOf = orgRef(spec.partOf);
  return org;
}

interface LocationSpec {
  id: string;
  name: string;
  hospital: HospitalKey;
  /** v3 RoleCode; omitted for outpatient clinics. */
  roleCode?: readonly [string, string];
  physical: 'wa' | 'area';
}

const WARD = ['HU', 'Hospital unit'] as const;
/** Hospital wards, emergency departments and clinics, keyed by the id stays and visits use. */
export const LOCATIONS = {
  nrEd: { id: 'loc-nr-emergency-department', name: 'North Riverside Emergency Department', hospital: 'north', roleCode: ['ER', 'Emergency room'], physical: 'area' },
  nrAmu: { id: 'loc-nr-ward-7-amu', name: 'Ward 7 - Acute Medical Unit', hospital: 'north', roleCode: WARD, physical: 'wa' },
  nrCardio: { id: 'loc-nr-ward-12-cardiology', name: 'Ward 12 - Cardiology', hospital: 'north', roleCode: WARD, physical: 'wa' },
  nrOrtho: { id: 'loc-nr-ward-4-orthopaedics', name: 'Ward 4 - Trauma and Orthopaedics', hospital: 'north', roleCode: WARD, physical: 'wa' },
  nrCardioClinic: { id: 'loc-nr-cardiology-clinic', name: 'Cardiology and Heart Failure Clinic', hospital: 'north', physical: 'area' },
  svEd: { id: 'loc-sv-emergency-department', name: 'Southvale Emergency Department', hospital: 'southvale', roleCode: ['ER', 'Emergency room'], physical: 'area' },
  svElm: { id: 'loc-sv-elm-ward', name: 'Elm Ward - Care of the Elderly', hospital: 'southvale', roleCode: WARD, physical: 'wa' },
  svResp: { id: 'loc-sv-ward-3-respiratory', name: 'Ward 3 - Respiratory Medicine', hospital: 'southvale', roleCode: WARD, physical: 'wa' },
  svWillow: { id: 'loc-sv-willow-unit', name: 'Willow Unit - Adult Mental Health (inpatient)', hospital: 'southvale', roleCode: ['PSYCHF', 'Psychiatric Care Facility'], physical: 'wa' },
  svRespClinic: { id: 'loc-sv-respiratory-clinic', name: 'Respiratory Outpatient Clinic', hospital: 'southvale', physical: 'area' },
} as const satisfies Record<string, LocationSpec>;
export type LocationKey = keyof typeof LOCATIONS;

function location(spec: LocationSpec): Location {
  const physical = spec.physical === 'wa' ? 'Ward' : 'Area';
  const loc: Location = {
    resourceType: 'Location',
    id: spec.id,
    meta: demoMeta(ORGS[spec.hospital].source),
    status: 'active',
    name: spec.name,
    mode: 'instance',
    physicalType: concept('http://terminology.hl7.org/CodeSystem/location-physical-type', spec.physical, physical),
    managingOrganization: orgRef(spec.hospital),
  };
  loc.type = spec.roleCode
    ? [concept('http://terminology.hl7.org/CodeSystem/v3-RoleCode', spec.roleCode[0], spec.roleCode[1])]
    : [{ text: 'Outpatient clinic' }];
  return loc;
}

/** A reference to a demo location. */
export function locRef(key: LocationKey): ReturnType<typeof ref> {
  return ref('Location', LOCATIONS[key].id, LOCATIONS[key].name);
}

/** Every Organization and Location of the world. */
export function buildOrganizations(): (Organization | Location)[] {
  return [...Object.values(ORGS).map(organization), ...Object.values(LOCATIONS).map(location)];
}
