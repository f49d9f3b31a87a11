/** ADT events (DOMAIN.md §4): what each trigger does to the Encounter, and the Patient and event facts. */
import type { Condition, Encounter, Patient, PractitionerRole } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { VERIFICATION_URL } from '../../src/mapping/index.ts';
import { adt, mapOne, only, problems, pv1, SEGMENTS } from './messages.ts';

const PV1_DISCHARGED = pv1({ 36: '01^Home^HL70112', 45: '20250314091500' });

describe('ADT^A01 admit', () => {
  const mapped = mapOne(adt('A01', [SEGMENTS.evn, SEGMENTS.pid, SEGMENTS.pd1, SEGMENTS.nk1, SEGMENTS.pv1, SEGMENTS.pv2, SEGMENTS.dg1, SEGMENTS.al1]));

  it('gives valid resources, in dependency order, with profiles', () => {
    expect(problems(mapped)).toEqual([]);
    const types = mapped.resources.map((r) => r.resource.resourceType);
    expect(types.indexOf('Patient')).toBeLessThan(types.indexOf('Encounter'));
    expect(types.indexOf('Encounter')).toBeLessThan(types.indexOf('Condition'));
    expect(only<Patient>(mapped, 'Patient').meta?.profile).toEqual(['https://carebridge.dev/fhir/StructureDefinition/carebridge-patient']);
    expect(only<Encounter>(mapped, 'Encounter').meta?.profile).toEqual(['https://carebridge.dev/fhir/StructureDefinition/carebridge-encounter']);
  });

  it('fills the event facts: times in the source zone, visit, patient identifiers with verification', () => {
    expect(mapped.event).toMatchObject({
      messageType: 'ADT',
      trigger: 'A01',
      eventTime: '2025-03-14T09:29:00+00:00',
      messageTime: '2025-03-14T09:30:12+00:00',
      controlId: 'MSG0001',
      sendingFacility: 'ST_MARYS',
      sendingApplication: 'WARDSYS',
      visit: { system: 'https://carebridge.dev/fhir/id/visit/ST_MARYS', value: 'VN88123004' },
    });
    expect(mapped.event.patient).toEqual([
      expect.objectContaining({ system: 'https://st-marys.example.org/Id/mrn', value: 'MRN00482913' }),
      expect.objectContaining({ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919', extension: [{ url: VERIFICATION_URL, valueCode: 'verified' }] }),
    ]);
    expect(mapped.report.warnings.join()).not.toMatch(/assumed/);
  });

  it('maps the encounter: class, priority for LACE, location, doctors, admit source', () => {
    const encounter = only<Encounter>(mapped, 'Encounter');
    expect(encounter.status).toBe('in-progress');
    expect(encounter.class).toMatchObject({ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' });
    expect(encounter.priority?.coding?.map((c) => c.code)).toEqual(['EM', 'E']);
    expect(encounter.period).toEqual({ start: '2025-03-10T14:15:00+00:00' });
    expect(encounter.location).toEqual([{ location: { reference: expect.stringMatching(/^Location\/loc-/) }, status: 'active' }]);
    expect(encounter.participant?.map((p) => p.type?.[0]?.coding?.[0]?.code)).toEqual(['ATND', 'REF', 'ADM']);
    expect(encounter.hospitalization?.admitSource?.coding?.map((c) => c.code)).toEqual(['emd', '7']);
    expect(encounter.reasonCode?.[0]?.coding?.[0]).toMatchObject({ system: 'http://hl7.org/fhir/sid/icd-10', code: 'R06.0' });
  });

  it('links diagnoses with rank and use, and attributes the patient to the GP practice', () => {
    const encounter = only<Encounter>(mapped, 'Encounter');
    const condition = only<Condition>(mapped, 'Condition');
    expect(condition.code?.coding?.[0]).toMatchObject({ system: 'http://hl7.org/fhir/sid/icd-10', code: 'J18.9' });
    expect(condition.verificationStatus?.coding?.[0]?.code).toBe('provisional');
    expect(encounter.diagnosis).toEqual([{ condition: { reference: `Condition/${condition.id ?? ''}` }, use: expect.objectContaining({ coding: expect.arrayContaining([expect.objectContaining({ code: 'AD' })]) }), rank: 1 }]);
    const patient = only<Patient>(mapped, 'Patient');
    expect(patient.generalPractitioner?.map((r) => r.reference?.split('/')[0])).toEqual(['Organization', 'Practitioner']);
    const role = only<PractitionerRole>(mapped, 'PractitionerRole');
    expect(role.organization?.reference).toBe(patient.generalPractitioner?.[0]?.reference);
  });

  it('derives the Patient id from the facility MRN, not the NHS number', () => {
    const other = mapOne(adt('A01', [SEGMENTS.evn, SEGMENTS.pid.replace('~9434765919^^^NHS^NH', ''), SEGMENTS.pv1]));
    expect(only<Patient>(other, 'Patient').id).toBe(only<Patient>(mapped, 'Patient').id);
  });
});

describe('identifiers and nulls', () => {
  it('keeps an NHS number that fails the check as unverified, never names it in warnings', () => {
    const mapped = mapOne(adt('A01', [SEGMENTS.evn, SEGMENTS.pid.replace('9434765919', '9434765918'), SEGMENTS.pv1]));
    const nhs = only<Patient>(mapped, 'Patient').identifier?.find((i) => i.system === 'https://fhir.nhs.uk/Id/nhs-number');
    expect(nhs?.extension).toEqual([{ url: VERIFICATION_URL, valueCode: 'unverified' }]);
    expect(mapped.report.warnings.join()).toMatch(/fails its check/);
    expect(JSON.stringify(mapped.report)).not.toContain('9434765918');
  });

  it('lists "" nulls as cleared elements (and not ones another field still fills)', () => {
    const pid = SEGMENTS.pid.replace('|19470823|F|', '|19470823|""|').replace('|W', '|""');
    const mapped = mapOne(adt('A08', [SEGMENTS.evn, pid, pv1({ 8: '""' })]));
    const patient = mapped.resources.find((r) => r.resource.resourceType === 'Patient');
    expect(patient?.cleared).toEqual(['gender', 'maritalStatus']);
    expect(mapped.resources.find((r) => r.resource.resourceType === 'Encounter')?.cleared).toEqual([]);
  });
});

describe('event-specific encounter changes', () => {
  it('A02 transfer: the left location is completed and the new one active, at the transfer time', () => {
    const encounter = only<Encounter>(mapOne(adt('A02', [SEGMENTS.evn, SEGMENTS.pid, pv1({ 6: 'WARD2^BAY1^BED4^ST_MARYS' })])), 'Encounter');
    expect(encounter.location?.map((l) => [l.status, l.period])).toEqual([
      ['active', { start: '2025-03-14T09:25:00+00:00' }],
      ['completed', { end: '2025-03-14T09:25:00+00:00' }],
    ]);
  });

  it('A03 discharge: finished, end from PV1-45, disposition in FHIR and v2 codes', () => {
    const encounter = only<Encounter>(mapOne(adt('A03', [SEGMENTS.evn, SEGMENTS.pid, PV1_DISCHARGED])), 'Encounter');
    expect(encounter.status).toBe('finished');
    expect(encounter.period).toEqual({ start: '2025-03-10T14:15:00+00:00', end: '2025-03-14T09:15:00+00:00' });
    expect(encounter.hospitalization?.dischargeDisposition?.coding).toEqual([
      { system: 'http://terminology.hl7.org/CodeSystem/discharge-disposition', code: 'home', display: 'Home' },
      { code: '01', display: 'Home', system: 'http://terminology.hl7.org/CodeSystem/v2-0112' },
    ]);
    expect(encounter.location?.[0]?.status).toBe('completed');
  });

  it('A03 without PV1-45 ends at the event time (EVN-6, else EVN-2)', () => {
    const encounter = only<Encounter>(mapOne(adt('A03')), 'Encounter');
    expect(encounter.period?.end).toBe('2025-03-14T09:25:00+00:00');
  });

  it('A05 pre-admit: planned, starting at PV2-8', () => {
    const encounter = only<Encounter>(mapOne(adt('A05', [SEGMENTS.evn, SEGMENTS.pid, pv1({ 44: '' }), 'PV2||||||||20250320080000'])), 'Encounter');
    expect([encounter.status, encounter.period?.start, encounter.location?.[0]?.status]).toEqual(['planned', '2025-03-20T08:00:00+00:00', 'planned']);
  });

  it.each([
    ['A06', 'in-progress'],
    ['A07', 'in-progress'],
    ['A08', 'in-progress'],
    ['A11', 'cancelled'],
    ['A12', 'in-progress'],
  ])('%s → %s', (trigger, status) => {
    expect(only<Encounter>(mapOne(adt(trigger)), 'Encounter').status).toBe(status);
  });

  it('A08 follows the visit dates: a discharge date means finished', () => {
    expect(only<Encounter>(mapOne(adt('A08', [SEGMENTS.evn, SEGMENTS.pid, PV1_DISCHARGED])), 'Encounter').status).toBe('finished');
  });

  it('A13 cancel discharge: in progress, period.end and the disposition cleared', () => {
    const mapped = mapOne(adt('A13', [SEGMENTS.evn, SEGMENTS.pid, PV1_DISCHARGED]));
    const encounter = mapped.resources.find((r) => r.resource.resourceType === 'Encounter');
    expect((encounter?.resource as Encounter).status).toBe('in-progress');
    expect((encounter?.resource as Encounter).period).toEqual({ start: '2025-03-10T14:15:00+00:00' });
    expect((encounter?.resource as Encounter).hospitalization?.dischargeDisposition).toBeUndefined();
    expect(encounter?.cleared).toEqual(['hospitalization.dischargeDisposition', 'period.end']);
  });

  it('A28/A31 are person-only: the PV1 is reported, no Encounter', () => {
    for (const trigger of ['A28', 'A31']) {
      const mapped = mapOne(adt(trigger, [SEGMENTS.evn, SEGMENTS.pid, 'PV1|1|N', SEGMENTS.al1]));
      expect(mapped.resources.map((r) => r.resource.resourceType)).toEqual(['Organization', 'Patient', 'AllergyIntolerance']);
      expect(mapped.report.unmappedSegments).toEqual(['PV1']);
    }
  });

  it('A40 merge: the surviving Patient replaces the merged one; event.mergedFrom', () => {
    const mapped = mapOne(adt('A40', [SEGMENTS.evn, SEGMENTS.pid, 'MRG|MRN00000001^^^ST_MARYS^MR']));
    const merged = mapOne(adt('A01', [SEGMENTS.evn, SEGMENTS.pid.replace('MRN00482913', 'MRN00000001'), SEGMENTS.pv1]));
    expect(only<Patient>(mapped, 'Patient').link).toEqual([
      { other: { reference: `Patient/${only<Patient>(merged, 'Patient').id ?? ''}`, identifier: { system: 'https://st-marys.example.org/Id/mrn', value: 'MRN00000001' } }, type: 'replaces' },
    ]);
    expect(mapped.event.mergedFrom).toEqual([expect.objectContaining({ system: 'https://st-marys.example.org/Id/mrn', value: 'MRN00000001' })]);
  });
});

describe('A40 with two PID/MRG pairs', () => {
  it('links each surviving Patient to its own merged record; the event holds the first pair', () => {
    const mapped = mapOne(adt('A40', [SEGMENTS.evn, SEGMENTS.pid, 'MRG|MRN00000001^^^ST_MARYS^MR', SEGMENTS.pid.replace('MRN00482913', 'MRN00482914'), 'MRG|MRN00000002^^^ST_MARYS^MR']));
    const patients = mapped.resources.map((r) => r.resource).filter((r): r is Patient => r.resourceType === 'Patient');
    expect(patients.map((p) => p.link?.map((l) => l.other.identifier?.value))).toEqual([['MRN00000001'], ['MRN00000002']]);
    expect(mapped.event.patient.map((i) => i.value)).toEqual(['MRN00482913', '9434765919']);
    expect(mapped.event.mergedFrom?.map((i) => i.value)).toEqual(['MRN00000001']);
  });
});
