import { describe, expect, it } from 'vitest';
import { toFhirDate, toFhirDateTime, UTC_OFFSET, zoneOffsetOf } from '../../src/mapping/helpers/datetime.ts';

describe('toFhirDateTime (HL7 DTM → FHIR dateTime)', () => {
  it.each([
    ['2024', '2024', false],
    ['202403', '2024-03', false],
    ['20240305', '2024-03-05', false],
    ['2024030512', '2024-03-05T12:00:00+00:00', true],
    ['202403051230', '2024-03-05T12:30:00+00:00', true],
    ['20240305123045', '2024-03-05T12:30:45+00:00', true],
    ['20240305123045.1234', '2024-03-05T12:30:45.1234+00:00', true],
    ['20240305123045+0215', '2024-03-05T12:30:45+02:15', false],
    ['198808181126+0215', '1988-08-18T11:26:00+02:15', false],
    ['20210817151943.4+0200', '2021-08-17T15:19:43.4+02:00', false],
    ['20200101-0800', '2020-01-01', false],
    [' 20240305 ', '2024-03-05', false],
  ])('%s → %s', (text, value, assumed) => {
    expect(toFhirDateTime(text, UTC_OFFSET)).toEqual({ value, assumedZone: assumed });
  });

  it.each(['', 'abc', '2024-03-05', '20241305', '20240230', '2024030525', '202403051260', '20240305120000+1430'])('rejects %j', (text) => {
    expect(toFhirDateTime(text, UTC_OFFSET)).toBeUndefined();
  });

  it('uses the source zone for times without an offset, daylight saving included', () => {
    const london = zoneOffsetOf('Europe/London');
    expect(toFhirDateTime('20250115093000', london)?.value).toBe('2025-01-15T09:30:00+00:00');
    expect(toFhirDateTime('20250715093000', london)?.value).toBe('2025-07-15T09:30:00+01:00');
    expect(toFhirDateTime('20250715093000', zoneOffsetOf('America/New_York'))?.value).toBe('2025-07-15T09:30:00-04:00');
  });

  it('throws for an unknown zone name', () => {
    expect(() => zoneOffsetOf('Mars/Olympus')).toThrow(RangeError);
  });
});

describe('toFhirDate', () => {
  it.each([
    ['19880818', '1988-08-18'],
    ['198808181126+0215', '1988-08-18'],
    ['1988', '1988'],
    ['19881', undefined],
    ['19880230', undefined],
  ])('%s → %s', (text, date) => {
    expect(toFhirDate(text)).toBe(date);
  });
});
