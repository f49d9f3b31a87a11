import { describe, expect, it } from 'vitest';
import { computeTcmDeadlines, type TcmComplexity } from '../../src/tcm/deadlines.ts';
import { loadHolidayCalendar } from '../../src/tcm/holidays.ts';

const calendars = {
  'england-wales': loadHolidayCalendar('england-wales'),
  'us-federal': loadHolidayCalendar('us-federal'),
};
type Name = keyof typeof calendars;

// Columns: calendar, discharge day, complexity → contact due (2 business days after), face-to-face due
// (+7 high / +14 moderate), episode end (+29).
const table: ReadonlyArray<[Name, string, TcmComplexity, string, string, string, string]> = [
  // Every weekday of an ordinary week (2026-06-08 is a Monday).
  ['england-wales', '2026-06-08', 'high', 'Mon', '2026-06-10', '2026-06-15', '2026-07-07'],
  ['england-wales', '2026-06-09', 'moderate', 'Tue', '2026-06-11', '2026-06-23', '2026-07-08'],
  ['england-wales', '2026-06-10', 'high', 'Wed', '2026-06-12', '2026-06-17', '2026-07-09'],
  ['england-wales', '2026-06-11', 'moderate', 'Thu', '2026-06-15', '2026-06-25', '2026-07-10'],
  ['england-wales', '2026-06-12', 'high', 'Fri', '2026-06-16', '2026-06-19', '2026-07-11'],
  ['england-wales', '2026-06-13', 'moderate', 'Sat', '2026-06-16', '2026-06-27', '2026-07-12'],
  ['england-wales', '2026-06-14', 'high', 'Sun', '2026-06-16', '2026-06-21', '2026-07-13'],
  // Month ends.
  ['us-federal', '2026-01-30', 'high', 'Fri, Jan end', '2026-02-03', '2026-02-06', '2026-02-28'],
  ['us-federal', '2026-02-27', 'moderate', 'Fri, Feb end', '2026-03-03', '2026-03-13', '2026-03-28'],
  ['england-wales', '2026-04-30', 'high', 'Thu, Apr end, before the May bank holiday', '2026-05-05', '2026-05-07', '2026-05-29'],
  ['us-federal', '2026-09-30', 'moderate', 'Wed, Sep end', '2026-10-02', '2026-10-14', '2026-10-29'],
  // Year ends.
  ['england-wales', '2026-12-31', 'high', 'Thu, year end', '2027-01-05', '2027-01-07', '2027-01-29'],
  ['us-federal', '2026-12-31', 'moderate', 'Thu, year end', '2027-01-05', '2027-01-14', '2027-01-29'],
  ['us-federal', '2027-12-30', 'high', 'Thu before observed New Year 2028', '2028-01-04', '2028-01-06', '2028-01-28'],
  ['england-wales', '2027-12-24', 'moderate', 'Fri, both Christmas substitutes', '2027-12-30', '2028-01-07', '2028-01-22'],
  // Leap day 2028 (Tuesday).
  ['england-wales', '2028-02-29', 'high', 'leap day', '2028-03-02', '2028-03-07', '2028-03-29'],
  ['us-federal', '2028-02-28', 'moderate', 'Mon before leap day', '2028-03-01', '2028-03-13', '2028-03-28'],
  ['us-federal', '2028-02-22', 'high', 'Tue, episode across leap day', '2028-02-24', '2028-02-29', '2028-03-22'],
  // Holidays in both calendars.
  ['england-wales', '2026-04-02', 'high', 'Thu before Good Friday', '2026-04-08', '2026-04-09', '2026-05-01'],
  ['england-wales', '2026-05-22', 'moderate', 'Fri before the spring bank holiday', '2026-05-27', '2026-06-05', '2026-06-20'],
  ['england-wales', '2026-12-24', 'high', 'Christmas Eve, Boxing Day substitute Mon 28th', '2026-12-30', '2026-12-31', '2027-01-22'],
  ['us-federal', '2026-07-02', 'high', 'Thu before observed Independence Day', '2026-07-07', '2026-07-09', '2026-07-31'],
  ['us-federal', '2026-11-25', 'moderate', 'Wed before Thanksgiving', '2026-11-30', '2026-12-09', '2026-12-24'],
  ['us-federal', '2028-11-09', 'high', 'Thu before Veterans Day observed Fri 10th', '2028-11-14', '2028-11-16', '2028-12-08'],
];

describe('computeTcmDeadlines', () => {
  it.each(table)('%s %s %s (%s): contact %s, face-to-face %s, episode end %s', (name, discharge, complexity, _label, contact, f2f, end) => {
    const deadlines = computeTcmDeadlines({ dischargeDate: discharge, complexity, calendar: calendars[name] });
    expect(deadlines).toEqual({
      dischargeDate: discharge,
      complexity,
      cptCode: complexity === 'high' ? '99496' : '99495',
      contactDue: contact,
      faceToFaceDue: f2f,
      episodeEnd: end,
    });
  });

  it('takes the discharge day from Encounter.period.end as written in the facility offset', () => {
    const late = computeTcmDeadlines({
      dischargeDate: '2026-04-02T23:45:00+01:00', // 22:45 UTC, still Thursday 2 April in London
      complexity: 'moderate',
      calendar: calendars['england-wales'],
    });
    expect(late.dischargeDate).toBe('2026-04-02');
    expect(late.contactDue).toBe('2026-04-08');
  });

  it('adds end-of-day instants with one offset or one per date', () => {
    const fixed = computeTcmDeadlines({
      dischargeDate: '2026-03-27',
      complexity: 'high',
      calendar: calendars['england-wales'],
      endOfDayOffset: 'Z',
    });
    expect(fixed.endOfDay).toEqual({
      contactDue: '2026-03-31T23:59:59.999Z',
      faceToFaceDue: '2026-04-03T23:59:59.999Z',
      episodeEnd: '2026-04-25T23:59:59.999Z',
    });
    // UK summer time starts on 2026-03-29.
    const london = (date: string): string => (date >= '2026-03-29' && date < '2026-10-25' ? '+01:00' : '+00:00');
    const dst = computeTcmDeadlines({
      dischargeDate: '2026-03-26',
      complexity: 'moderate',
      calendar: calendars['england-wales'],
      endOfDayOffset: london,
    });
    expect(dst.endOfDay?.contactDue).toBe('2026-03-30T23:59:59.999+01:00');
  });

  it('has no end-of-day instants without an offset', () => {
    const deadlines = computeTcmDeadlines({ dischargeDate: '2026-06-08', complexity: 'high', calendar: calendars['us-federal'] });
    expect(deadlines.endOfDay).toBeUndefined();
  });

  it.each([
    [{ dischargeDate: '2026-06', complexity: 'high' }, /TCM|date/],
    [{ dischargeDate: '2026-06-08', complexity: 'low' }, /high or moderate/],
    [{ dischargeDate: '2030-12-31', complexity: 'high' }, /covers 2025–2030/],
  ])('rejects %j', (input, message) => {
    expect(() =>
      computeTcmDeadlines({ ...input, complexity: input.complexity as TcmComplexity, calendar: calendars['england-wales'] }),
    ).toThrowError(message);
  });
});
