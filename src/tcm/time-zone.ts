/**
 * Where a TCM due date ends. A due date is met "by the end of that day" (SPECS.md §b6), and the day is the
 * practice's: `Task.restriction.period.end` is 23:59:59.999 local time in the practice's IANA time zone, written
 * with the UTC offset in force on that date (so a due date after a daylight-saving change carries the new offset).
 * The zone is the practice Organization's `timezone` extension when it has one, else `TCM_TIME_ZONE`.
 */
import type { Organization } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import { type CalendarDate, parseCalendarDate } from './calendar-date.ts';

/** The FHIR core extension carrying an IANA time zone code (valueCode), read on the practice Organization. */
export const TIME_ZONE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/timezone';

/** True when `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function offsetMinutesAt(instantMs: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(new Date(instantMs));
  const name = parts.find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  if (!match) throw new GatewayError('TCM-TIME-ZONE', 'fault', `Cannot read the UTC offset of ${zone}`);
  if (match[1] === undefined) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/**
 * The UTC offset (`+01:00`, `-05:00`, `+00:00`) in force in `zone` at the end of `date`. Daylight-saving
 * changes happen in the small hours, so the offset at local noon is the offset at 23:59 that day.
 */
export function utcOffsetOn(date: CalendarDate, zone: string): string {
  parseCalendarDate(date);
  const noonUtc = Date.parse(`${date}T12:00:00Z`);
  const guess = offsetMinutesAt(noonUtc, zone);
  const minutes = offsetMinutesAt(noonUtc - guess * 60_000, zone);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The practice's zone: its Organization's `timezone` extension when valid, else the configured default. */
export function timeZoneOf(practice: Organization | undefined, fallback: string): string {
  const declared = practice?.extension?.find((extension) => extension.url === TIME_ZONE_EXTENSION)?.valueCode;
  return declared !== undefined && isTimeZone(declared) ? declared : fallback;
}

/** For `computeTcmDeadlines`'s `endOfDayOffset`: the offset in force on each due date in `zone`. */
export function offsetsIn(zone: string): (date: CalendarDate) => string {
  return (date) => utcOffsetOn(date, zone);
}
