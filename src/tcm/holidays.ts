/**
 * Holiday calendars for the TCM business-day clock (DOMAIN.md §5: "Business days are Monday–Friday, excluding the
 * configured holidays"; CMS MLN908628 via SPECS.md §b6). Calendars are data: `mappings/tcm/holidays/<name>.json`
 * (shipped: `england-wales`, `us-federal`, 2025–2030), each entry a weekday off (the observed or substitute date).
 * A calendar knows the years it covers, so a clock running past them fails loudly instead of skipping holidays.
 */
import path from 'node:path';
import { GatewayError } from '../shared/errors.ts';
import { projectPath } from '../shared/paths.ts';
import { type CalendarDate, isCalendarDate, isoWeekdayOf, parseCalendarDate, yearOf } from './calendar-date.ts';
import { readTableFile, requireArray, requireInteger, requireRecord, requireString, tableError } from './read-table.ts';

/** One day off. `observedFor` is the actual holiday when the day off is an observed or substitute day. */
export interface Holiday {
  date: CalendarDate;
  name: string;
  observedFor?: CalendarDate;
}

/** A named set of days off and the calendar years for which the set is complete. */
export interface HolidayCalendar {
  readonly name: string;
  readonly firstYear: number;
  readonly lastYear: number;
  readonly holidays: ReadonlyMap<CalendarDate, Holiday>;
}

/** Options of {@link loadHolidayCalendar}. */
export interface LoadHolidayCalendarOptions {
  /** Extra configured days off (a local closure, a newly proclaimed holiday): a date or a named holiday. */
  extraDates?: ReadonlyArray<CalendarDate | Holiday>;
  /** The folder holding `tcm/holidays/` (defaults to the project's `mappings/`). */
  mappingsDir?: string;
}

const NAME_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function readHoliday(value: unknown, file: string, where: string, firstYear: number, lastYear: number): Holiday {
  const entry = requireRecord(value, file, where);
  const date = requireString(entry['date'], file, `${where}.date`);
  if (!isCalendarDate(date)) throw tableError(file, `${where}.date`, `"${date}" is not a YYYY-MM-DD date`);
  if (yearOf(date) < firstYear || yearOf(date) > lastYear) throw tableError(file, `${where}.date`, 'outside the years covered');
  if (isoWeekdayOf(date) > 5) throw tableError(file, `${where}.date`, `${date} is a weekend day; list the observed weekday`);
  const holiday: Holiday = { date, name: requireString(entry['name'], file, `${where}.name`) };
  if (entry['observedFor'] !== undefined) {
    const actual = requireString(entry['observedFor'], file, `${where}.observedFor`);
    if (!isCalendarDate(actual) || isoWeekdayOf(actual) <= 5) {
      throw tableError(file, `${where}.observedFor`, 'expected the weekend date the observed day replaces');
    }
    holiday.observedFor = actual;
  }
  return holiday;
}

/** Validates a parsed calendar file (see mappings/tcm/README.md for its shape). */
export function validateHolidayCalendar(value: unknown, file: string): HolidayCalendar {
  const table = requireRecord(value, file, '$');
  const name = requireString(table['id'], file, 'id');
  const years = requireRecord(table['years'], file, 'years');
  const firstYear = requireInteger(years['from'], file, 'years.from', 1900, 9999);
  const lastYear = requireInteger(years['to'], file, 'years.to', firstYear, 9999);
  const holidays = new Map<CalendarDate, Holiday>();
  let previous = '';
  requireArray(table['holidays'], file, 'holidays').forEach((entry, index) => {
    const holiday = readHoliday(entry, file, `holidays[${index}]`, firstYear, lastYear);
    if (holiday.date <= previous) throw tableError(file, `holidays[${index}]`, 'dates must be unique and ascending');
    previous = holiday.date;
    holidays.set(holiday.date, holiday);
  });
  return { name, firstYear, lastYear, holidays };
}

/**
 * Returns a copy of the calendar with extra configured days off. Extra dates may fall outside the covered years
 * (they do not extend the coverage); a date already in the calendar keeps its listed name.
 */
export function withExtraHolidays(calendar: HolidayCalendar, extraDates: ReadonlyArray<CalendarDate | Holiday>): HolidayCalendar {
  const holidays = new Map(calendar.holidays);
  for (const extra of extraDates) {
    const holiday = typeof extra === 'string' ? { date: extra, name: 'Configured holiday' } : extra;
    parseCalendarDate(holiday.date);
    if (!holidays.has(holiday.date)) holidays.set(holiday.date, { ...holiday });
  }
  return { ...calendar, holidays };
}

/**
 * Loads a holiday calendar by name (`england-wales`, `us-federal`, or any `mappings/tcm/holidays/<name>.json`),
 * validating it, and adds the configured extra dates. Unknown names throw `TCM-CALENDAR-UNKNOWN` (400).
 */
export function loadHolidayCalendar(name: string, options: LoadHolidayCalendarOptions = {}): HolidayCalendar {
  if (!NAME_RE.test(name)) throw new GatewayError('TCM-CALENDAR-UNKNOWN', 'invalid', `"${name}" is not a holiday calendar name`);
  const file = path.join(options.mappingsDir ?? projectPath('mappings'), 'tcm', 'holidays', `${name}.json`);
  let raw: unknown;
  try {
    raw = readTableFile(file);
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'TCM-TABLE-MISSING') {
      throw new GatewayError('TCM-CALENDAR-UNKNOWN', 'invalid', `There is no holiday calendar named "${name}"`, { cause: error });
    }
    throw error;
  }
  const calendar = validateHolidayCalendar(raw, `holidays/${name}.json`);
  if (calendar.name !== name) throw tableError(`holidays/${name}.json`, 'id', `expected "${name}"`);
  return withExtraHolidays(calendar, options.extraDates ?? []);
}
