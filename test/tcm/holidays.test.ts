import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/shared/errors.ts';
import { isoWeekdayOf } from '../../src/tcm/calendar-date.ts';
import { loadHolidayCalendar, validateHolidayCalendar } from '../../src/tcm/holidays.ts';

const englandWales = loadHolidayCalendar('england-wales');
const usFederal = loadHolidayCalendar('us-federal');

function datesIn(calendar: typeof englandWales, year: number): string[] {
  return [...calendar.holidays.keys()].filter((date) => date.startsWith(`${year}-`));
}

// Dates as published at gov.uk/bank-holidays and on the OPM federal holiday schedules.
describe('england-wales bank holidays match the published lists', () => {
  it.each([
    [2025, ['2025-01-01', '2025-04-18', '2025-04-21', '2025-05-05', '2025-05-26', '2025-08-25', '2025-12-25', '2025-12-26']],
    [2026, ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28']],
    [2027, ['2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28']],
    [2028, ['2028-01-03', '2028-04-14', '2028-04-17', '2028-05-01', '2028-05-29', '2028-08-28', '2028-12-25', '2028-12-26']],
    [2029, ['2029-01-01', '2029-03-30', '2029-04-02', '2029-05-07', '2029-05-28', '2029-08-27', '2029-12-25', '2029-12-26']],
    [2030, ['2030-01-01', '2030-04-19', '2030-04-22', '2030-05-06', '2030-05-27', '2030-08-26', '2030-12-25', '2030-12-26']],
  ])('%i', (year, expected) => {
    expect(datesIn(englandWales, year)).toEqual(expected);
  });

  it('names substitute days and the date they replace', () => {
    expect(englandWales.holidays.get('2026-12-28')).toEqual({
      date: '2026-12-28',
      name: 'Boxing Day (substitute day)',
      observedFor: '2026-12-26',
    });
    expect(englandWales.holidays.get('2027-12-27')?.observedFor).toBe('2027-12-25');
    expect(englandWales.holidays.get('2028-01-03')?.observedFor).toBe('2028-01-01');
  });
});

describe('us-federal holidays match the OPM schedule', () => {
  it.each([
    [2025, ['2025-01-01', '2025-01-20', '2025-02-17', '2025-05-26', '2025-06-19', '2025-07-04', '2025-09-01', '2025-10-13', '2025-11-11', '2025-11-27', '2025-12-25']],
    [2026, ['2026-01-01', '2026-01-19', '2026-02-16', '2026-05-25', '2026-06-19', '2026-07-03', '2026-09-07', '2026-10-12', '2026-11-11', '2026-11-26', '2026-12-25']],
    // 2027 carries the observed New Year's Day of 2028 (Saturday 1 January 2028 → Friday 31 December 2027).
    [2027, ['2027-01-01', '2027-01-18', '2027-02-15', '2027-05-31', '2027-06-18', '2027-07-05', '2027-09-06', '2027-10-11', '2027-11-11', '2027-11-25', '2027-12-24', '2027-12-31']],
    [2028, ['2028-01-17', '2028-02-21', '2028-05-29', '2028-06-19', '2028-07-04', '2028-09-04', '2028-10-09', '2028-11-10', '2028-11-23', '2028-12-25']],
    [2029, ['2029-01-01', '2029-01-15', '2029-02-19', '2029-05-28', '2029-06-19', '2029-07-04', '2029-09-03', '2029-10-08', '2029-11-12', '2029-11-22', '2029-12-25']],
    [2030, ['2030-01-01', '2030-01-21', '2030-02-18', '2030-05-27', '2030-06-19', '2030-07-04', '2030-09-02', '2030-10-14', '2030-11-11', '2030-11-28', '2030-12-25']],
  ])('%i', (year, expected) => {
    expect(datesIn(usFederal, year)).toEqual(expected);
  });

  it('every listed day off is a weekday inside 2025–2030', () => {
    for (const calendar of [englandWales, usFederal]) {
      expect([calendar.firstYear, calendar.lastYear]).toEqual([2025, 2030]);
      for (const date of calendar.holidays.keys()) expect(isoWeekdayOf(date)).toBeLessThanOrEqual(5);
    }
  });
});

describe('loadHolidayCalendar', () => {
  it('adds configured extra dates without changing the listed ones', () => {
    const calendar = loadHolidayCalendar('us-federal', {
      extraDates: ['2026-12-24', { date: '2026-12-25', name: 'Duplicate' }, { date: '2026-11-27', name: 'Day after Thanksgiving' }],
    });
    expect(calendar.holidays.get('2026-12-24')?.name).toBe('Configured holiday');
    expect(calendar.holidays.get('2026-12-25')?.name).toBe('Christmas Day');
    expect(calendar.holidays.get('2026-11-27')?.name).toBe('Day after Thanksgiving');
    expect(usFederal.holidays.has('2026-12-24')).toBe(false);
  });

  it.each(['scotland', '../consent/purpose-of-use', 'US-Federal', ''])('rejects the unknown name %j', (name) => {
    expect(() => loadHolidayCalendar(name)).toThrowError(/holiday calendar/);
  });

  it('rejects a bad extra date', () => {
    expect(() => loadHolidayCalendar('england-wales', { extraDates: ['2026-13-01'] })).toThrowError(GatewayError);
  });

  it('reads calendars from another mappings folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcm-holidays-'));
    fs.mkdirSync(path.join(dir, 'tcm', 'holidays'), { recursive: true });
    const table = { id: 'test-land', years: { from: 2026, to: 2026 }, holidays: [{ date: '2026-06-01', name: 'Test day' }] };
    fs.writeFileSync(path.join(dir, 'tcm', 'holidays', 'test-land.json'), JSON.stringify(table));
    expect([...loadHolidayCalendar('test-land', { mappingsDir: dir }).holidays.keys()]).toEqual(['2026-06-01']);
    fs.writeFileSync(path.join(dir, 'tcm', 'holidays', 'wrong-id.json'), JSON.stringify(table));
    expect(() => loadHolidayCalendar('wrong-id', { mappingsDir: dir })).toThrowError(/at id/);
    fs.writeFileSync(path.join(dir, 'tcm', 'holidays', 'broken.json'), '{ not json');
    expect(() => loadHolidayCalendar('broken', { mappingsDir: dir })).toThrowError(/not JSON/);
  });
});

describe('validateHolidayCalendar rejects malformed calendars', () => {
  const base = { id: 'x', years: { from: 2026, to: 2026 } };
  it.each([
    ['a weekend date', { ...base, holidays: [{ date: '2026-07-04', name: 'Independence Day' }] }, /weekend/],
    ['a date outside the years', { ...base, holidays: [{ date: '2027-01-01', name: 'New Year' }] }, /outside/],
    ['an impossible date', { ...base, holidays: [{ date: '2026-02-29', name: 'Leap' }] }, /not a YYYY-MM-DD/],
    ['unsorted dates', { ...base, holidays: [{ date: '2026-12-25', name: 'b' }, { date: '2026-01-01', name: 'a' }] }, /ascending/],
    ['duplicate dates', { ...base, holidays: [{ date: '2026-01-01', name: 'a' }, { date: '2026-01-01', name: 'a' }] }, /ascending/],
    ['a missing name', { ...base, holidays: [{ date: '2026-01-01' }] }, /holidays\[0\]\.name/],
    ['observedFor on a weekday', { ...base, holidays: [{ date: '2026-07-03', name: 'x', observedFor: '2026-07-02' }] }, /observedFor/],
    ['reversed years', { id: 'x', years: { from: 2027, to: 2026 }, holidays: [] }, /years\.to/],
    ['no holiday list', { ...base }, /holidays/],
  ])('%s', (_label, table, message) => {
    expect(() => validateHolidayCalendar(table, 'x.json')).toThrowError(message);
  });
});
