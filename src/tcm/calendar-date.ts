/**
 * Plain calendar dates (`YYYY-MM-DD`) for the TCM clocks (DOMAIN.md §5, SPECS.md §b6). Every TCM rule counts
 * whole days at the discharging facility, so the arithmetic here never looks at the machine's time zone: a
 * date is turned into a day number with UTC arithmetic and back, which has no daylight-saving gaps.
 */
import { GatewayError } from '../shared/errors.ts';

/** A calendar date `YYYY-MM-DD` (ISO 8601 extended, proleptic Gregorian). */
export type CalendarDate = string;

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_RE = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const OFFSET_RE = /^(?:Z|([+-])(\d{2}):(\d{2}))$/;

function invalid(message: string): GatewayError {
  return new GatewayError('TCM-INVALID-DATE', 'invalid', message);
}

function dayNumberOf(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.round(date.getTime() / DAY_MS);
}

function dateOfDayNumber(dayNumber: number): CalendarDate {
  const date = new Date(dayNumber * DAY_MS);
  const year = String(date.getUTCFullYear()).padStart(4, '0');
  const month = String(date.getUTCMonth() + 1).padStart(2, '0');
  const day = String(date.getUTCDate()).padStart(2, '0');
  return `${year}-${month}-${day}`;
}

function partsOf(date: CalendarDate): [number, number, number] {
  const match = DATE_RE.exec(date);
  if (!match) throw invalid(`"${date}" is not a calendar date (YYYY-MM-DD)`);
  const parts: [number, number, number] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (dateOfDayNumber(dayNumberOf(...parts)) !== date) throw invalid(`"${date}" is not a real calendar date`);
  return parts;
}

/** True when the value is a real `YYYY-MM-DD` date (2026-02-30 is not). */
export function isCalendarDate(value: string): boolean {
  const match = DATE_RE.exec(value);
  return match !== null && dateOfDayNumber(dayNumberOf(Number(match[1]), Number(match[2]), Number(match[3]))) === value;
}

/** Returns the date unchanged after checking it; throws `TCM-INVALID-DATE` (400) when it is not a real date. */
export function parseCalendarDate(value: string): CalendarDate {
  partsOf(value);
  return value;
}

/** Minutes east of UTC for a FHIR offset (`Z`, `+01:00`, `-05:00`); throws when malformed. */
export function offsetMinutesOf(utcOffset: string): number {
  const match = OFFSET_RE.exec(utcOffset);
  if (!match) throw invalid(`"${utcOffset}" is not a UTC offset (Z or ±hh:mm)`);
  if (match[1] === undefined) return 0;
  const hours = Number(match[2]);
  const minutes = Number(match[3]);
  if (hours > 14 || minutes > 59) throw invalid(`"${utcOffset}" is out of range for a UTC offset`);
  return (match[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/**
 * The calendar day of a FHIR `date` or `dateTime` at the facility that wrote it (DOMAIN.md §5: "the discharge day").
 *
 * - `YYYY-MM-DD` is returned as is.
 * - `YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)` gives **the date as written**, in the offset the sender used:
 *   `2026-04-02T23:30:00+01:00` is 2 April, although that instant is 22:30 UTC. A sender writing `Z` is taken to
 *   mean UTC wall-clock time, so its UTC date is used.
 * - With `reexpressIn` (an offset such as `-05:00`), a dateTime is first moved to that offset, for feeds known to
 *   send UTC for a facility elsewhere: `2026-04-03T02:00:00Z` re-expressed in `-05:00` is 2 April.
 *
 * Partial dates (`2026`, `2026-04`), times without an offset and malformed values throw `TCM-INVALID-DATE` (400).
 */
export function calendarDateOf(value: string, reexpressIn?: string): CalendarDate {
  if (DATE_RE.test(value)) return parseCalendarDate(value);
  const match = DATE_TIME_RE.exec(value);
  if (!match || match[1] === undefined || match[5] === undefined) {
    throw invalid(`"${value}" is not a FHIR date or dateTime with a day, time and UTC offset`);
  }
  const date = parseCalendarDate(match[1]);
  const [hours, minutes, seconds] = [Number(match[2]), Number(match[3]), Number(match[4])];
  if (hours > 23 || minutes > 59 || seconds > 60) throw invalid(`"${value}" has an impossible time of day`);
  const writtenOffset = offsetMinutesOf(match[5]);
  if (reexpressIn === undefined) return date;
  const shift = offsetMinutesOf(reexpressIn) - writtenOffset;
  const minuteOfDay = hours * 60 + minutes + shift;
  return addDays(date, Math.floor(minuteOfDay / 1440));
}

/** The date `days` calendar days after (negative: before) `date`. */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  if (!Number.isInteger(days)) throw invalid(`Cannot add ${days} days: not a whole number`);
  return dateOfDayNumber(dayNumberOf(...partsOf(date)) + days);
}

/**
 * The same day of the month `months` months later (negative: earlier), clamped to the last day of a shorter
 * month: 2026-08-31 minus 6 months is 2026-02-28.
 */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  if (!Number.isInteger(months)) throw invalid(`Cannot add ${months} months: not a whole number`);
  const [year, month, day] = partsOf(date);
  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = (monthIndex % 12) + 1;
  const lastDay = dayNumberOf(targetYear, targetMonth + 1, 1) - dayNumberOf(targetYear, targetMonth, 1);
  return dateOfDayNumber(dayNumberOf(targetYear, targetMonth, Math.min(day, lastDay)));
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return dayNumberOf(...partsOf(to)) - dayNumberOf(...partsOf(from));
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekdayOf(date: CalendarDate): number {
  const dayNumber = dayNumberOf(...partsOf(date));
  // Day 0 (1970-01-01) was a Thursday, ISO weekday 4.
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

/** The calendar year of a date. */
export function yearOf(date: CalendarDate): number {
  return partsOf(date)[0];
}

/**
 * The last instant of a due date in the given offset, as a FHIR `instant` (`2026-04-06T23:59:59.999+01:00`).
 * A due date is met "by the end of that day" (SPECS.md §b6); this is the value for `Task.restriction.period.end`
 * when the caller knows the facility's offset on that date (pass the offset in force that day, not the
 * discharge day's, where daylight saving changes in between).
 */
export function endOfDayInstant(date: CalendarDate, utcOffset: string): string {
  parseCalendarDate(date);
  offsetMinutesOf(utcOffset);
  return `${date}T23:59:59.999${utcOffset}`;
}
