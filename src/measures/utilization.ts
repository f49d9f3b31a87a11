/**
 * Utilisation measures over Encounters (DOMAIN.md §1, §7: the CMS ACO figures): discharges; 30-day all-cause
 * readmissions per 1,000 discharges; 30-day post-discharge provider visits per 1,000 discharges. A discharge is a
 * qualifying one (`classifyDischarge`: eligible class, finished, to a community setting) whose discharge day is
 * in the period and covered by the patient's roster membership; "followed by" means another Encounter of the
 * kind the definition names, starting after the discharge and by the end of day `withinDays` after it.
 */
import type { Coding, Encounter } from 'fhir/r4.js';
import { addDays } from '../tcm/calendar-date.ts';
import { type DischargeTables, lookUpEncounterClass } from '../tcm/discharge-tables.ts';
import { classifyDischarge } from '../tcm/eligibility.ts';
import { dayBound } from '../tcm/attribution.ts';
import { idOfReference } from '../tcm/task-codes.ts';
import type { MeasureDefinition, Numerator } from './definitions.ts';
import type { MeasureItem } from './measure-report.ts';
import { type MeasurePeriod, type Roster, countsOn } from './population.ts';

const ACT_CODE = new Set(['http://terminology.hl7.org/CodeSystem/v3-ActCode', 'http://hl7.org/fhir/v3/ActCode']);
const NOT_HAPPENED = new Set(['planned', 'cancelled', 'entered-in-error']);
const VISIT_STATUSES = new Set(['in-progress', 'finished']);

type FollowedBy = Extract<Numerator, { kind: 'followed-by' }>;

function isEvent(encounter: Encounter, numerator: FollowedBy, tables: DischargeTables): boolean {
  if (numerator.event === 'inpatient-admission') return !NOT_HAPPENED.has(encounter.status) && lookUpEncounterClass(encounter.class, tables) !== undefined;
  const cls: Coding | undefined = encounter.class;
  return VISIT_STATUSES.has(encounter.status) && cls?.code !== undefined && (cls.system === undefined || ACT_CODE.has(cls.system)) && numerator.classes.includes(cls.code);
}

/** An event after the discharge (instants where both are full dateTimes, else days) and within the window. */
function follows(discharge: Encounter, dischargeDay: string, event: Encounter, withinDays: number): boolean {
  const start = event.period?.start;
  if (start === undefined || event.id === discharge.id) return false;
  const startDay = dayBound(start, 'start');
  if (startDay < dischargeDay || startDay > addDays(dischargeDay, withinDays)) return false;
  const [begun, ended] = [Date.parse(start), Date.parse(discharge.period?.end ?? '')];
  return Number.isNaN(begun) || Number.isNaN(ended) || start.length <= 10 ? startDay > dischargeDay : begun > ended;
}

/** The measure's items: one per qualifying discharge of a roster member in the period. */
export function evaluateUtilization(definition: MeasureDefinition, encounters: readonly Encounter[], roster: Roster, period: MeasurePeriod, tables: DischargeTables, baseUrl: string): MeasureItem[] {
  const byPatient = new Map<string, Encounter[]>();
  for (const encounter of encounters) {
    const patientId = idOfReference(encounter.subject, 'Patient', baseUrl);
    if (patientId !== undefined) byPatient.set(patientId, [...(byPatient.get(patientId) ?? []), encounter]);
  }
  const items: MeasureItem[] = [];
  for (const [patientId, own] of byPatient) {
    for (const encounter of own) {
      const classification = classifyDischarge(encounter, tables);
      const day = classification.dischargeDate;
      if (!classification.qualifies || day === undefined || !countsOn(roster, patientId, day, period)) continue;
      const numerator = definition.numerator;
      const met = numerator?.kind === 'followed-by' && own.some((other) => isEvent(other, numerator, tables) && follows(encounter, day, other, numerator.withinDays));
      items.push({ reference: `Encounter/${encounter.id}`, patientId, excluded: false, met });
    }
  }
  return items;
}
