/**
 * Business days for the TCM interactive-contact clock: Monday–Friday, excluding the calendar's holidays
 * (DOMAIN.md §5; CMS MLN908628 and the Medicare contractor guidance in SPECS.md §b6: "regardless of practice hours
 * or of when the practice learned of the discharge").
 */
import { GatewayError } from '../shared/errors.ts';
import { addDays, type CalendarDate, isoWeekdayOf, parseCalendarDate, yearOf } from './calendar-date.ts';
import type { HolidayCalendar } from './holidays.ts';

function requireCovered(date: CalendarDate, calendar: HolidayCalendar): void {
  const year = yearOf(date);
  if (year < calendar.firstYear || year > calendar.lastYear) {
    throw new GatewayError(
      'TCM-CALENDAR-RANGE',
      'unprocessable',
      `Holiday calendar ${calendar.name} covers ${calendar.firstYear}–${calendar.lastYear}, not ${date}; extend mappings/tcm/holidays/${calendar.name}.json`,
    );
  }
}

/**
 * True when the date is a Monday–Friday that is not one of the calendar's holidays.
 * Throws `TCM-CALENDAR-RANGE` (422) for a date in a year the calendar does not cover, rather than guess.
 */
export function isBusinessDay(date: CalendarDate, calendar: HolidayCalendar): boolean {
  parseCalendarDate(date);
  requireCovered(date, calendar);
  return isoWeekdayOf(date) <= 5 && !calendar.holidays.has(date);
}

/**
 * The `n`th business day strictly after `date` (`n` = 0 returns `date` itself). The TCM contact is due by the end
 * of `addBusinessDays(dischargeDay, 2, calendar)` (SPECS.md §b6): a Monday discharge is due Wednesday, a Thursday
 * discharge Monday, a Friday, Saturday or Sunday discharge Tuesday, and a Friday before a Monday holiday Wednesday.
 * The discharge day itself never counts, whether or not it is a business day.
 */
export function addBusinessDays(date: CalendarDate, n: number, calendar: HolidayCalendar): CalendarDate {
  parseCalendarDate(date);
  if (!Number.isInteger(n) || n < 0) {
    throw new GatewayError('TCM-INVALID-COUNT', 'invalid', `Business days to add must be a whole number ≥ 0, not ${n}`);
  }
  let current = date;
  let remaining = n;
  while (remaining > 0) {
    current = addDays(current, 1);
    if (isBusinessDay(current, calendar)) remaining -= 1;
  }
  return current;
}
