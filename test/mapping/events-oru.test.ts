/** ORU^R01 (HL7 v2.5.1 ch. 7): one DiagnosticReport per OBR, one Observation per OBX, values by OBX-2. */
import type { DiagnosticReport, Observation } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/ingest/hl7v2/index.ts';
import { mapOne, msh, problems, resourcesOf, SEGMENTS, segment } from './messages.ts';

const ORU = [
  msh('ORU', 'R01', 'LAB0001'),
  SEGMENTS.pid,
  segment('OBR', { 1: '1', 2: 'ORD1^WARDSYS', 3: 'FIL1^LAB^2.16.840.1.113883.19.3.1.6^ISO', 4: '24331-1^Lipid panel^LN', 7: '20250313080000', 24: 'CH', 25: 'F' }),
  segment('OBX', { 1: '1', 2: 'NM', 3: '2093-3^Cholesterol^LN', 5: '5.2', 6: 'mmol/L^millimole per liter^UCUM', 7: '0-5', 8: 'H', 11: 'F' }),
  'NTE|1||Fasting sample',
  segment('OBX', { 1: '2', 2: 'ST', 3: '8251-1^Comment^LN', 5: 'Lipaemic', 11: 'P' }),
  segment('OBX', { 1: '3', 2: 'CWE', 3: '600-7^Culture^LN', 5: '3092008^Staphylococcus aureus^SCT', 11: 'C', 14: '20250313100000' }),
  segment('OBX', { 1: '4', 2: 'SN', 3: '5048-4^ANA titer^LN', 5: '^1^:^160', 11: 'F' }),
  segment('OBX', { 1: '5', 2: 'ED', 3: '11502-2^Report^LN', 5: '^AP^PDF^Base64^JVBERi0', 11: 'F' }),
  segment('OBR', { 1: '2', 2: 'ORD2^WARDSYS', 4: '718-7^Hemoglobin^LN', 7: '20250313080000' }),
  segment('OBX', { 1: '1', 2: 'NM', 3: '718-7^Hemoglobin^LN', 5: '131', 6: 'g/L^^UCUM', 8: 'N' }),
].join('\r');

describe('ORU^R01 results', () => {
  const mapped = mapOne(parseMessage(ORU));
  const reports = resourcesOf<DiagnosticReport>(mapped, 'DiagnosticReport');
  const observations = resourcesOf<Observation>(mapped, 'Observation');

  it('validates', () => {
    expect(problems(mapped)).toEqual([]);
  });

  it('makes one report per OBR holding the observations that follow it', () => {
    expect(reports).toHaveLength(2);
    expect(reports[0]?.status).toBe('final');
    expect(reports[1]?.status).toBe('unknown');
    expect(reports[0]?.identifier?.map((i) => i.type?.coding?.[0]?.code)).toEqual(['PLAC', 'FILL']);
    expect(reports[0]?.category?.[0]?.coding?.[0]).toEqual({ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'CH' });
    expect(reports[0]?.result).toHaveLength(5);
    expect(reports[1]?.result).toEqual([{ reference: `Observation/${observations[5]?.id ?? ''}` }]);
    expect(reports[0]?.effectiveDateTime).toBe('2025-03-13T08:00:00+00:00');
  });

  it('maps values by type, with units, ranges, interpretation, status and notes', () => {
    const [nm, st, cwe, sn, ed] = observations;
    expect(nm?.valueQuantity).toEqual({ value: 5.2, unit: 'millimole per liter', system: 'http://unitsofmeasure.org', code: 'mmol/L' });
    expect(nm?.referenceRange?.[0]).toMatchObject({ low: { value: 0 }, high: { value: 5 }, text: '0-5' });
    expect(nm?.interpretation?.[0]?.coding?.[0]).toMatchObject({ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'H' });
    expect(nm?.note).toEqual([{ text: 'Fasting sample' }]);
    expect(nm?.effectiveDateTime).toBe('2025-03-13T08:00:00+00:00');
    expect([st?.valueString, st?.status]).toEqual(['Lipaemic', 'preliminary']);
    expect(cwe?.valueCodeableConcept?.coding?.[0]).toMatchObject({ system: 'http://snomed.info/sct', code: '3092008' });
    expect([cwe?.status, cwe?.effectiveDateTime]).toEqual(['corrected', '2025-03-13T10:00:00+00:00']);
    expect(sn?.valueRatio).toEqual({ numerator: { value: 1 }, denominator: { value: 160 } });
    expect(ed?.valueString ?? ed?.valueQuantity).toBeUndefined();
    expect(mapped.report.unmappedFields).toContain('OBX-5');
    expect(mapped.report.warnings.join('\n')).toMatch(/OBX-5: value type ED is not mapped/);
  });

  it('keeps observation ids apart per report (same set id and code under two OBRs)', () => {
    expect(new Set(observations.map((o) => o.id)).size).toBe(observations.length);
  });

  it('does not give an OBX before the first OBR to that OBR’s report', () => {
    const early = ORU.replace('\rOBR|1|', `\r${segment('OBX', { 1: '9', 2: 'NM', 3: '8867-4^Heart rate^LN', 5: '70' })}\rOBR|1|`);
    const result = mapOne(parseMessage(early));
    const first = resourcesOf<DiagnosticReport>(result, 'DiagnosticReport')[0];
    const heart = resourcesOf<Observation>(result, 'Observation').find((o) => o.code.coding?.[0]?.code === '8867-4');
    expect(first?.result?.map((r) => r.reference)).not.toContain(`Observation/${heart?.id ?? ''}`);
  });
});
