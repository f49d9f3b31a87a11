/**
 * FHIR date, dateTime and instant values as half-open UTC ranges [low, high) at their stated precision,
 * which is how date search compares them. https://hl7.org/fhir/R4/search.html#date
 * Values without a time zone are read as UTC.
 */
export interface DateRange {
  low: string;
  high: string;
}

const PATTERN =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** Returns undefined for anything that is not a well-formed FHIR date/dateTime/instant. */
export function dateRange(value: string): DateRange | undefined {
  const match = PATTERN.exec(value.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const year = Number(y);
  const month = mo === undefined ? undefined : Number(mo);
  const day = d === undefined ? undefined : Number(d);
  if (month !== undefined && (month < 1 || month > 12)) return undefined;
  if (day !== undefined && (day < 1 || day > daysInMonth(year, month ?? 1))) return undefined;
  if (h === undefined) {
    const low = Date.UTC(year, (month ?? 1) - 1, day ?? 1);
    const high =
      day !== undefined ? Date.UTC(year, (month ?? 1) - 1, day + 1) : month !== undefined ? Date.UTC(year, month, 1) : Date.UTC(year + 1, 0, 1);
    return { low: iso(low), high: iso(high) };
  }
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const offsetMinutes = zone === undefined || zone === 'Z' ? 0 : zoneOffset(zone);
  if (offsetMinutes === undefined) return undefined;
  const millis = fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0;
  const low = Date.UTC(year, (month ?? 1) - 1, day ?? 1, hour, minute, second, millis) - offsetMinutes * 60_000;
  const step = fraction ? 1 : s !== undefined ? 1000 : 60_000;
  return { low: iso(low), high: iso(low + step) };
}

function zoneOffset(zone: string): number | undefined {
  const sign = zone.startsWith('-') ? -1 : 1;
  const [hours, minutes] = zone.slice(1).split(':').map(Number);
  if (hours === undefined || minutes === undefined || hours > 14 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function iso(millis: number): string {
  return new Date(millis).toISOString();
}
