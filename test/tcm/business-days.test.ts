import { describe, expect, it } from 'vitest';
import { addBusinessDays, isBusinessDay } from '../../src/tcm/business-days.ts';
import { loadHolidayCalendar } from '../../src/tcm/holidays.ts';

const englandWales = loadHolidayCalendar('england-wales');
const usFederal = loadHolidayCalendar('us-federal');
const calendars = { 'england-wales': englandWales, 'us-federal': usFederal };

describe('isBusinessDay', () => {
  it.each([
    ['england-wales', '2026-04-02', true], // Thursday before Good Friday
    ['england-wales', '2026-04-03', false], // Good Friday
    ['england-wales', '2026-04-06', false], // Easter Monday
    ['england-wales', '2026-04-04', false], // Saturday
    ['england-wales', '2026-07-03', true], // a US holiday only
    ['us-federal', '2026-07-03', false], // Independence Day observed
    ['us-federal', '2026-04-03', true], // Good Friday is not a federal holiday
    ['us-federal', '2027-12-31', false], // New Year's Day 2028 observed
    ['england-wales', '2026-12-28', false], // Boxing Day substitute
  ] as const)('%s %s → %s', (name, date, expected) => {
    expect(isBusinessDay(date, calendars[name])).toBe(expected);
  });

  it('refuses a year the calendar does not cover', () => {
    expect(() => isBusinessDay('2031-01-02', englandWales)).toThrowError(/covers 2025–2030/);
    expect(() => isBusinessDay('2024-12-31', usFederal)).toThrowError(/TCM|covers/);
  });
});

describe('addBusinessDays(date, 2): the TCM contact clock', () => {
  it.each([
    // A plain week in both calendars: 2026-06-08 is a Monday.
    ['england-wales', '2026-06-08', 'Monday', '2026-06-10'],
    ['england-wales', '2026-06-09', 'Tuesday', '2026-06-11'],
    ['england-wales', '2026-06-10', 'Wednesday', '2026-06-12'],
    ['england-wales', '2026-06-11', 'Thursday', '2026-06-15'],
    ['england-wales', '2026-06-12', 'Friday', '2026-06-16'],
    ['england-wales', '2026-06-13', 'Saturday', '2026-06-16'],
    ['england-wales', '2026-06-14', 'Sunday', '2026-06-16'],
    ['us-federal', '2026-06-15', 'Monday', '2026-06-17'],
    ['us-federal', '2026-06-16', 'Tuesday', '2026-06-18'],
    // Juneteenth (Friday 19 June 2026) pushes Wednesday and Thursday discharges out.
    ['us-federal', '2026-06-17', 'Wednesday before Juneteenth', '2026-06-22'],
    ['us-federal', '2026-06-18', 'Thursday before Juneteenth', '2026-06-23'],
    ['us-federal', '2026-06-19', 'Juneteenth itself', '2026-06-23'],
    ['us-federal', '2026-06-20', 'Saturday', '2026-06-23'],
    ['us-federal', '2026-06-21', 'Sunday', '2026-06-23'],
    // Friday before a Monday bank holiday → Wednesday.
    ['england-wales', '2026-05-22', 'Friday before the spring bank holiday', '2026-05-27'],
    ['england-wales', '2026-08-28', 'Friday before the summer bank holiday', '2026-09-02'],
    ['us-federal', '2026-09-04', 'Friday before Labor Day', '2026-09-09'],
    ['us-federal', '2026-01-16', 'Friday before MLK Day', '2026-01-21'],
    // Easter: Thursday before Good Friday skips Friday and Monday.
    ['england-wales', '2026-04-02', 'Maundy Thursday', '2026-04-08'],
    ['england-wales', '2026-04-03', 'Good Friday', '2026-04-08'],
    ['us-federal', '2026-04-02', 'Maundy Thursday (no US holiday)', '2026-04-06'],
    // Christmas and New Year.
    ['england-wales', '2026-12-23', 'Wednesday before Christmas', '2026-12-29'],
    ['england-wales', '2026-12-24', 'Christmas Eve', '2026-12-30'],
    ['us-federal', '2026-12-24', 'Christmas Eve', '2026-12-29'],
    ['england-wales', '2026-12-31', 'New Year\'s Eve', '2027-01-05'],
    ['us-federal', '2026-12-31', 'New Year\'s Eve', '2027-01-05'],
    ['england-wales', '2027-12-24', 'Friday 24 Dec 2027 (both substitute days)', '2027-12-30'],
    ['us-federal', '2027-12-23', 'Thursday before observed Christmas', '2027-12-28'],
    ['us-federal', '2027-12-30', 'Thursday before observed New Year', '2028-01-04'],
    ['england-wales', '2027-12-31', 'Friday before New Year substitute', '2028-01-05'],
    // Thanksgiving.
    ['us-federal', '2026-11-25', 'Wednesday before Thanksgiving', '2026-11-30'],
  ] as const)('%s: %s (%s) → %s', (name, date, _label, expected) => {
    expect(addBusinessDays(date, 2, calendars[name])).toBe(expected);
  });

  it.each([
    [0, '2026-06-13'],
    [1, '2026-06-15'],
    [5, '2026-06-19'],
    [10, '2026-06-26'],
  ])('counts %i business days from Saturday 2026-06-13', (n, expected) => {
    expect(addBusinessDays('2026-06-13', n, englandWales)).toBe(expected);
  });

  it('uses configured extra dates', () => {
    const withClosure = loadHolidayCalendar('england-wales', { extraDates: ['2026-06-10'] });
    expect(addBusinessDays('2026-06-08', 2, withClosure)).toBe('2026-06-11');
  });

  it.each([-1, 1.5, Number.NaN])('rejects n = %s', (n) => {
    expect(() => addBusinessDays('2026-06-08', n, englandWales)).toThrowError(/whole number/);
  });

  it('fails loudly when the clock runs past the covered years', () => {
    expect(() => addBusinessDays('2030-12-31', 2, englandWales)).toThrowError(/extend mappings\/tcm\/holidays/);
  });
});
