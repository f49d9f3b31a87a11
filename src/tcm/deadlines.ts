/**
 * The TCM clocks for one discharge (DOMAIN.md §5; SPECS.md §b6; CMS MLN908628): the interactive contact within
 * 2 business days after the discharge day, the face-to-face visit within 7 (high complexity, CPT 99496) or 14
 * (moderate complexity, CPT 99495) calendar days, and the 30-day service period (the discharge day + 29 days).
 */
import { GatewayError } from '../shared/errors.ts';
import { addBusinessDays } from './business-days.ts';
import { addDays, type CalendarDate, calendarDateOf, endOfDayInstant } from './calendar-date.ts';
import type { HolidayCalendar } from './holidays.ts';

/** The medical decision-making complexity that picks the TCM code. */
export type TcmComplexity = 'high' | 'moderate';

/** CPT 99496 (high complexity, face-to-face within 7 days) or 99495 (moderate, within 14 days). */
export type TcmCptCode = '99496' | '99495';

/** Input of {@link computeTcmDeadlines}. */
export interface TcmDeadlineInput {
  /** The discharge day (`YYYY-MM-DD`) or the discharge dateTime (`Encounter.period.end`); see `calendarDateOf`. */
  dischargeDate: string;
  complexity: TcmComplexity;
  calendar: HolidayCalendar;
  /**
   * Optional: the facility's UTC offset, or a function giving the offset in force on a date (for daylight saving),
   * to also return each due date's end-of-day instant.
   */
  endOfDayOffset?: string | ((date: CalendarDate) => string);
}

/** The TCM due dates: each is met by the end of that calendar day. */
export interface TcmDeadlines {
  dischargeDate: CalendarDate;
  complexity: TcmComplexity;
  cptCode: TcmCptCode;
  contactDue: CalendarDate;
  faceToFaceDue: CalendarDate;
  episodeEnd: CalendarDate;
  /** Present when `endOfDayOffset` was given: the last instant of each due date. */
  endOfDay?: { contactDue: string; faceToFaceDue: string; episodeEnd: string };
}

const FACE_TO_FACE_DAYS: Readonly<Record<TcmComplexity, number>> = { high: 7, moderate: 14 };
const CPT_CODES: Readonly<Record<TcmComplexity, TcmCptCode>> = { high: '99496', moderate: '99495' };
/** "The day of discharge plus the next 29 days" (DOMAIN.md §5). */
const EPISODE_EXTRA_DAYS = 29;
/** "Within 2 business days after the discharge day" (DOMAIN.md §5). */
const CONTACT_BUSINESS_DAYS = 2;

/**
 * Computes the contact, face-to-face and episode-end dates of a TCM episode. Throws `TCM-INVALID-COMPLEXITY`
 * (400) for an unknown complexity, `TCM-INVALID-DATE` (400) for a bad date and `TCM-CALENDAR-RANGE` (422) when
 * the contact clock runs past the years the holiday calendar covers.
 */
export function computeTcmDeadlines(input: TcmDeadlineInput): TcmDeadlines {
  const { complexity, calendar } = input;
  if (complexity !== 'high' && complexity !== 'moderate') {
    throw new GatewayError('TCM-INVALID-COMPLEXITY', 'invalid', 'TCM complexity must be high or moderate');
  }
  const dischargeDate = calendarDateOf(input.dischargeDate);
  const deadlines: TcmDeadlines = {
    dischargeDate,
    complexity,
    cptCode: CPT_CODES[complexity],
    contactDue: addBusinessDays(dischargeDate, CONTACT_BUSINESS_DAYS, calendar),
    faceToFaceDue: addDays(dischargeDate, FACE_TO_FACE_DAYS[complexity]),
    episodeEnd: addDays(dischargeDate, EPISODE_EXTRA_DAYS),
  };
  const offset = input.endOfDayOffset;
  if (offset !== undefined) {
    const offsetOn = typeof offset === 'string' ? () => offset : offset;
    deadlines.endOfDay = {
      contactDue: endOfDayInstant(deadlines.contactDue, offsetOn(deadlines.contactDue)),
      faceToFaceDue: endOfDayInstant(deadlines.faceToFaceDue, offsetOn(deadlines.faceToFaceDue)),
      episodeEnd: endOfDayInstant(deadlines.episodeEnd, offsetOn(deadlines.episodeEnd)),
    };
  }
  return deadlines;
}
