/**
 * HL7 v2 DTM/TS (v2.5.1 ch. 2A.22 DTM: `YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]`) → FHIR R4 `date` and
 * `dateTime` (R4 datatypes §2.24.0.1: a time needs seconds and a zone). A time sent without an offset gets the
 * source's configured zone (see sources.yaml), and the caller is told so it can warn.
 */

/** A FHIR dateTime and whether its offset was assumed rather than sent. */
export interface FhirDateTime {
  readonly value: string;
  readonly assumedZone: boolean;
}

/** Minutes east of UTC that a zone has at a local wall-clock time (given as if it were UTC milliseconds). */
export type ZoneOffset = (localAsUtcMs: number) => number;

const DTM = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\.\d{1,4})?([+-]\d{4})?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

interface DtmParts {
  year: number;
  month?: number;
  day?: number;
  hour?: number;
  minute: number;
  second: number;
  fraction: string;
  offset?: string;
}

function readParts(text: string): DtmParts | undefined {
  const match = DTM.exec(text.trim());
  if (match === null) return undefined;
  const num = (i: number): number | undefined => (match[i] === undefined ? undefined : Number(match[i]));
  const parts: DtmParts = { year: Number(match[1]), minute: num(5) ?? 0, second: num(6) ?? 0, fraction: match[7] ?? '' };
  const month = num(2);
  const day = num(3);
  const hour = num(4);
  if (month !== undefined) parts.month = month;
  if (day !== undefined) parts.day = day;
  if (hour !== undefined) parts.hour = hour;
  if (match[8] !== undefined) parts.offset = match[8];
  if (parts.month !== undefined && (parts.month < 1 || parts.month > 12)) return undefined;
  if (parts.day !== undefined && (parts.day < 1 || parts.day > daysInMonth(parts.year, parts.month ?? 1))) return undefined;
  if (parts.hour !== undefined && parts.hour > 23) return undefined;
  if (parts.minute > 59 || parts.second > 59) return undefined;
  return parts;
}

function datePart(parts: DtmParts): string {
  let out = pad(parts.year, 4);
  if (parts.month !== undefined) out += `-${pad(parts.month)}`;
  if (parts.day !== undefined) out += `-${pad(parts.day)}`;
  return out;
}

function offsetMinutes(offset: string): number | undefined {
  const hours = Number(offset.slice(1, 3));
  const minutes = Number(offset.slice(3, 5));
  if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0)) return undefined;
  return (offset.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/**
 * DTM → FHIR dateTime. Date-only values stay dates (`2024`, `2024-03`, `2024-03-05`); a time gets minutes and
 * seconds (`…T10:00:00`) and the sent offset, else `zoneOffset`'s. Undefined for text that is not a valid DTM.
 */
export function toFhirDateTime(text: string, zoneOffset: ZoneOffset): FhirDateTime | undefined {
  const parts = readParts(text);
  if (parts === undefined) return undefined;
  if (parts.hour === undefined || parts.day === undefined) return { value: datePart(parts), assumedZone: false };
  const time = `T${pad(parts.hour)}:${pad(parts.minute)}:${pad(parts.second)}${parts.fraction}`;
  if (parts.offset !== undefined) {
    const minutes = offsetMinutes(parts.offset);
    return minutes === undefined ? undefined : { value: datePart(parts) + time + formatOffset(minutes), assumedZone: false };
  }
  const local = Date.UTC(parts.year, (parts.month ?? 1) - 1, parts.day, parts.hour, parts.minute, parts.second);
  return { value: datePart(parts) + time + formatOffset(zoneOffset(local)), assumedZone: true };
}

/** DTM → FHIR date (the day part only; a time and zone are dropped, as for a birth date). */
export function toFhirDate(text: string): string | undefined {
  const parts = readParts(text);
  return parts === undefined ? undefined : datePart(parts);
}

/** UTC: always 0. */
export const UTC_OFFSET: ZoneOffset = () => 0;

/**
 * The offset function of an IANA zone (`Europe/London`), DST included.
 * @throws RangeError for an unknown zone name (sources are checked at load)
 */
export function zoneOffsetOf(timeZone: string): ZoneOffset {
  if (timeZone === 'UTC') return UTC_OFFSET;
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const offsetAt = (utcMs: number): number => {
    const get = (type: string): number => Number(format.formatToParts(utcMs).find((p) => p.type === type)?.value ?? 0);
    const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return Math.round((wall - utcMs) / 60_000);
  };
  return (localAsUtcMs) => {
    const first = offsetAt(localAsUtcMs);
    return offsetAt(localAsUtcMs - first * 60_000);
  };
}
