/**
 * Care coordination as a gateway module (DOMAIN.md §5, §7; SPECS.md §b6, §b8): the TCM write listener (episodes
 * from discharges, completion, overrides), the TCM worklist (`GET /tcm/worklist`), the roster upload
 * (`POST /ingest/extract/roster`), the TCM Task disclosure rule, and the measures (`MeasureReport/$compute`).
 * The tables it runs on are loaded and checked here, once, so a bad table stops the gateway at boot.
 */
import type { GatewayModule, ModuleContext } from '../app-module.ts';
import { createWriteRecorder } from '../audit/write-listeners.ts';
import express from 'express';
import { Counter } from 'prom-client';
import { loadCharlsonMap } from './charlson.ts';
import { loadDischargeTables } from './discharge-tables.ts';
import { loadEvidenceTable } from './evidence-table.ts';
import { loadHolidayCalendar } from './holidays.ts';
import { createTcmListener } from './tcm-listener.ts';
import type { TcmDeps } from './tcm-run.ts';
import { tcmTaskPolicy } from './task-policy.ts';
import { createWorklistRouter } from './worklist-http.ts';
import { createRosterRouter } from './roster-http.ts';
import { createComputeRoute } from '../measures/compute-operation.ts';
import { describeCompute } from '../measures/capability.ts';
import { loadMeasureDefinitions } from '../measures/definitions.ts';

/** The tables and settings of the TCM rules, from the config and `mappings/tcm/`. */
export function createTcmDeps(context: ModuleContext): TcmDeps {
  const { config } = context;
  return {
    tables: loadDischargeTables(),
    charlson: loadCharlsonMap(),
    calendar: loadHolidayCalendar(config.tcm.holidayCalendar, { extraDates: config.tcm.extraHolidays }),
    evidence: loadEvidenceTable(),
    timeZone: config.tcm.timeZone,
    baseUrl: config.baseUrl,
    clock: context.clock,
    logger: context.logger.child({ stage: 'tcm' }),
    discharges: new Counter({
      name: 'carebridge_tcm_discharges_total',
      help: 'Qualifying discharges by what the TCM rules did with them',
      labelNames: ['outcome'],
      registers: [context.metrics.registry],
    }),
  };
}

export function createCareCoordinationModule(context: ModuleContext): GatewayModule {
  const deps = createTcmDeps(context);
  const recorder = createWriteRecorder({ clock: context.clock, registry: context.registry, baseUrl: context.config.baseUrl, gateway: context.gateway });
  const definitions = loadMeasureDefinitions();
  const compute = createComputeRoute({ store: context.store, definitions, tables: deps.tables, baseUrl: context.config.baseUrl, fhirBase: context.fhirBase, clock: context.clock });
  const http = express.Router();
  http.use(createWorklistRouter(context));
  http.use(createRosterRouter(context));
  return {
    name: 'care-coordination',
    listeners: [createTcmListener(deps, recorder)],
    http,
    routes: [compute],
    capability: (statement) => describeCompute(statement, definitions),
    policies: (grant) => [tcmTaskPolicy(grant, context.config.baseUrl, context.clock)],
  };
}
