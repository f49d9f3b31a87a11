import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  calendarDateOf,
  daysBetween,
  endOfDayInstant,
  isCalendarDate,
  isoWeekdayOf,
  offsetMinutesOf,
} from '../../src/tcm/calendar-date.ts';
import { GatewayError } from '../../src/shared/errors.ts';

describe('calendarDateOf: the day as written in the sender offset', () => {
  it.each([
    ['2026-04-02', undefined, '2026-04-02'],
    ['2026-04-02T16:30:00+01:00', undefined, '2026-04-02'],
    ['2026-04-02T23:30:00+01:00', undefined, '2026-04-02'], // 22:30 UTC, still 2 April locally
    ['2026-04-03T00:30:00+01:00', undefined, '2026-04-03'], // 23:30 UTC on 2 April, but 3 April locally
    ['2026-04-02T20:15:00-05:00', undefined, '2026-04-02'], // 01:15 UTC on 3 April
    ['2026-04-02T20:15:00.123Z', undefined, '2026-04-02'],
    ['2026-04-03T02:00:00Z', '-05:00', '2026-04-02'], // re-expressed: 21:00 on 2 April in New York
    ['2026-04-02T23:30:00+00:00', '+01:00', '2026-04-03'], // re-expressed: 00:30 on 3 April in London
    ['2026-12-31T23:30:00-08:00', '+00:00', '2027-01-01'],
    ['2026-03-01T00:30:00+00:00', '-05:00', '2026-02-28'],
  ])('%s (re-expressed in %s) → %s', (value, reexpressIn, expected) => {
    expect(calendarDateOf(value, reexpressIn)).toBe(expected);
  });

  it.each([
    '2026',
    '2026-04',
    '2026-04-02T16:30:00', // a time without an offset is ambiguous
    '2026-02-30',
    '2026-02-29T10:00:00Z', // 2026 is not a leap year
    '2026-04-02T25:00:00Z',
    '2026-04-02T10:00:00+15:00',
    '02/04/2026',
    '',
  ])('rejects %j with TCM-INVALID-DATE', (value) => {
    expect(() => calendarDateOf(value)).toThrowError(GatewayError);
    try {
      calendarDateOf(value);
    } catch (error) {
      expect((error as GatewayError).code).toBe('TCM-INVALID-DATE');
      expect((error as GatewayError).status).toBe(400);
    }
  });
});

describe('calendar arithmetic', () => {
  it.each([
    ['2026-01-31', 1, '2026-02-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2028-02-29', 1, '2028-03-01'],
    ['2026-03-28', 2, '2026-03-30'], // across the UK clock change: still whole days
    ['2026-01-01', -1, '2025-12-31'],
    ['2026-12-31', 29, '2027-01-29'],
  ])('addDays(%s, %i) = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it.each([
    ['2026-08-31', -6, '2026-02-28'],
    ['2028-08-31', -6, '2028-02-29'],
    ['2026-03-15', -6, '2025-09-15'],
    ['2026-01-31', 1, '2026-02-28'],
    ['2026-12-15', 1, '2027-01-15'],
  ])('addMonths(%s, %i) = %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  it.each([
    ['2026-04-01', '2026-04-01', 0],
    ['2026-04-01', '2026-04-06', 5],
    ['2026-12-20', '2027-01-03', 14],
    ['2028-02-28', '2028-03-01', 2],
    ['2026-04-06', '2026-04-01', -5],
  ])('daysBetween(%s, %s) = %i', (from, to, expected) => {
    expect(daysBetween(from, to)).toBe(expected);
  });

  it.each([
    ['2026-04-06', 1],
    ['2026-04-07', 2],
    ['2026-04-08', 3],
    ['2026-04-09', 4],
    ['2026-04-10', 5],
    ['2026-04-11', 6],
    ['2026-04-12', 7],
    ['1970-01-01', 4],
    ['1969-12-31', 3],
    ['2028-02-29', 2],
  ])('isoWeekdayOf(%s) = %i', (date, weekday) => {
    expect(isoWeekdayOf(date)).toBe(weekday);
  });

  it('checks dates and offsets', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2027-02-29')).toBe(false);
    expect(offsetMinutesOf('Z')).toBe(0);
    expect(offsetMinutesOf('-05:30')).toBe(-330);
    expect(() => offsetMinutesOf('+1')).toThrowError(GatewayError);
    expect(() => addDays('2026-04-01', 0.5)).toThrowError(GatewayError);
  });
});

describe('endOfDayInstant', () => {
  it.each([
    ['2026-04-06', '+01:00', '2026-04-06T23:59:59.999+01:00'],
    ['2026-12-28', 'Z', '2026-12-28T23:59:59.999Z'],
    ['2026-07-06', '-04:00', '2026-07-06T23:59:59.999-04:00'],
  ])('%s in %s → %s', (date, offset, expected) => {
    expect(endOfDayInstant(date, offset)).toBe(expected);
  });

  it('rejects a bad offset', () => {
    expect(() => endOfDayInstant('2026-04-06', 'BST')).toThrowError(GatewayError);
  });
});
