/** The routes of the FHIR API: interactions of https://hl7.org/fhir/R4/http.html and our operations. */
import { capabilitiesInteraction } from './capabilities.ts';
import { processBundle } from './interactions/batch.ts';
import { createInteraction } from './interactions/create.ts';
import { conditionalDeleteInteraction, deleteInteraction } from './interactions/delete.ts';
import { instanceHistoryInteraction, systemHistoryInteraction, typeHistoryInteraction } from './interactions/history.ts';
import { patchInteraction } from './interactions/patch.ts';
import { readResource, vreadResource } from './interactions/read.ts';
import { compartmentSearchInteraction, searchInteraction } from './interactions/search.ts';
import { conditionalUpdateInteraction, updateInteraction } from './interactions/update.ts';
import { accessLogOperation } from './operations/access-log.ts';
import { everythingOperation } from './operations/everything.ts';
import { validateOperation } from './operations/validate.ts';
import { authorizedHandler } from './authorize.ts';
import { type Route, createDispatcher } from './router.ts';
import type { ApiDeps, FhirRequest, FhirResponse } from './types.ts';

export interface FhirApi {
  routes: Route[];
  dispatch: (request: FhirRequest, deps: ApiDeps) => Promise<FhirResponse>;
}

/**
 * Builds the route table; `extraRoutes` (operations of later stages) are matched before the generic ones.
 * Every handler is wrapped in scope enforcement, so batch entries are checked exactly like HTTP requests.
 */
export function createFhirApi(extraRoutes: Route[] = []): FhirApi {
  const routes: Route[] = [];
  const dispatch = createDispatcher(routes);
  const table: Route[] = [
    ...extraRoutes,
    { method: 'GET', path: ['metadata'], interaction: 'capabilities', handler: (req, deps) => capabilitiesInteraction(req, deps, routes) },
    { method: 'POST', path: [], interaction: 'batch', handler: (req, deps) => processBundle(req, deps, dispatch) },
    { method: 'GET', path: ['_history'], interaction: 'history-system', handler: systemHistoryInteraction },
    { method: 'GET', path: [':type', '_history'], interaction: 'history-type', handler: typeHistoryInteraction },
    { method: 'POST', path: [':type', '_search'], interaction: 'search-type', handler: searchInteraction },
    { method: 'GET', path: [':type', '$validate'], interaction: 'operation', operation: 'validate', handler: validateOperation },
    { method: 'POST', path: [':type', '$validate'], interaction: 'operation', operation: 'validate', handler: validateOperation },
    { method: 'POST', path: [':type', ':id', '$validate'], interaction: 'operation', operation: 'validate', handler: validateOperation },
    { method: 'GET', path: [':type', ':id', '$everything'], resourceType: 'Patient', interaction: 'operation', operation: 'everything', requires: 'r', handler: everythingOperation },
    { method: 'POST', path: [':type', ':id', '$everything'], resourceType: 'Patient', interaction: 'operation', operation: 'everything', requires: 'r', handler: everythingOperation },
    { method: 'GET', path: [':type', ':id', '$access-log'], resourceType: 'Patient', interaction: 'operation', operation: 'access-log', handler: accessLogOperation },
    { method: 'GET', path: [':type', ':id', '_history'], interaction: 'history-instance', handler: instanceHistoryInteraction },
    { method: 'GET', path: [':type', ':id', '_history', ':vid'], interaction: 'vread', handler: vreadResource },
    { method: 'GET', path: [':type', ':id', ':compartmentType'], resourceType: 'Patient', interaction: 'search-type', handler: compartmentSearchInteraction },
    { method: 'GET', path: [':type'], interaction: 'search-type', handler: searchInteraction },
    { method: 'POST', path: [':type'], interaction: 'create', handler: createInteraction },
    { method: 'PUT', path: [':type'], interaction: 'update', handler: conditionalUpdateInteraction },
    { method: 'DELETE', path: [':type'], interaction: 'delete', handler: conditionalDeleteInteraction },
    { method: 'GET', path: [':type', ':id'], interaction: 'read', handler: readResource },
    { method: 'PUT', path: [':type', ':id'], interaction: 'update', handler: updateInteraction },
    { method: 'PATCH', path: [':type', ':id'], interaction: 'patch', handler: patchInteraction },
    { method: 'DELETE', path: [':type', ':id'], interaction: 'delete', handler: deleteInteraction },
  ];
  routes.push(...table.map((route) => ({ ...route, handler: authorizedHandler(route) })));
  return { routes, dispatch };
}
