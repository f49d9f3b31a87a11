/**
 * What the TCM episode rules work with: the tables and settings loaded once at boot ({@link TcmDeps}) and, per
 * patient in one write, the transaction's store, the patient's episodes and a practice directory ({@link TcmRun}).
 */
import type { Counter } from 'prom-client';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { FhirStore } from '../store/fhir-store.ts';
import type { CharlsonMap } from './charlson.ts';
import type { DischargeTables } from './discharge-tables.ts';
import type { EpisodeBook } from './episode-book.ts';
import type { EvidenceTable } from './evidence-table.ts';
import type { HolidayCalendar } from './holidays.ts';
import type { PracticeDirectory } from './practice-directory.ts';

/** Why a discharge did or did not get an episode (the `outcome` label of `carebridge_tcm_discharges_total`). */
export type DischargeOutcome =
  | 'episode-started'
  | 'episode-updated'
  | 'episode-cancelled'
  | 'not-attributed'
  | 'overlapping-stay'
  | 'calendar-range'
  | 'unreadable-dates';

export interface TcmDeps {
  tables: DischargeTables;
  charlson: CharlsonMap;
  calendar: HolidayCalendar;
  evidence: EvidenceTable;
  /** The default practice time zone (`TCM_TIME_ZONE`). */
  timeZone: string;
  baseUrl: string;
  clock: Clock;
  logger: Logger;
  discharges: Counter<'outcome'>;
}

export interface TcmRun {
  deps: TcmDeps;
  /** The transaction's store, writing as the gateway (`system`, `tcm`). */
  store: FhirStore;
  directory: PracticeDirectory;
  /** The transaction's instant, for `authoredOn`, `lastModified` and "overdue". */
  now: string;
  patientId: string;
  book: EpisodeBook;
}
