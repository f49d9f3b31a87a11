/**
 * Time tests for consents: `Consent.provision.period` (when a rule holds) and `dataPeriod` (which data it
 * covers). FHIR dates are ranges at their precision (https://hl7.org/fhir/R4/datatypes.html#dateTime): a
 * period ending `2024-05-01` holds for the whole of that day. Malformed dates in a consent are refused.
 */
import type { Period } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import { dateRange } from '../store/fhir-dates.ts';

interface Millis {
  low: number;
  high: number;
}

/** A consent date as a millisecond range; malformed → `CNS-CONSENT-INVALID` (the caller fails closed). */
export function consentDate(value: string, what: string): Millis {
  const range = dateRange(value);
  if (!range) throw new GatewayError('CNS-CONSENT-INVALID', 'unprocessable', `Consent ${what} is not a valid FHIR date`);
  return { low: Date.parse(range.low), high: Date.parse(range.high) };
}

/** True when `now` lies within the period (open ends are unbounded). */
export function isWithinPeriod(period: Period | undefined, now: Date, what: string): boolean {
  if (!period) return true;
  const instant = now.getTime();
  if (period.start !== undefined && instant < consentDate(period.start, `${what}.start`).low) return false;
  if (period.end !== undefined && instant >= consentDate(period.end, `${what}.end`).high) return false;
  return true;
}

/**
 * Whether data dated `date` falls within `period`: 'unknown' when the data has no usable date, so the
 * caller can decide conservatively.
 */
export function isDataWithin(date: string | undefined, period: Period, what: string): 'yes' | 'no' | 'unknown' {
  const range = date === undefined ? undefined : dateRange(date);
  if (!range) return 'unknown';
  const instant = Date.parse(range.low);
  if (period.start !== undefined && instant < consentDate(period.start, `${what}.start`).low) return 'no';
  if (period.end !== undefined && instant >= consentDate(period.end, `${what}.end`).high) return 'no';
  return 'yes';
}
