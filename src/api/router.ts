/**
 * The FHIR route table, as data: each route names its method, path pattern, handler and the FHIR interaction
 * it performs (used for scopes, audit and metrics). Operations of later stages register here too.
 */
import type { Permission } from '../auth/scopes.ts';
import { GatewayError } from '../shared/errors.ts';
import type { ApiDeps, FhirRequest, FhirResponse, Handler } from './types.ts';

export type Interaction =
  | 'capabilities'
  | 'read'
  | 'vread'
  | 'update'
  | 'patch'
  | 'delete'
  | 'history-instance'
  | 'history-type'
  | 'history-system'
  | 'create'
  | 'search-type'
  | 'search-system'
  | 'batch'
  | 'operation';

/** A path pattern: literals, `:type` (a resource type), `:id`, `:vid`, `:compartmentType`. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string[];
  interaction: Interaction;
  handler: Handler;
  /** For operations: the operation name as in the CapabilityStatement (`everything`, `validate`…). */
  operation?: string;
  /** Resource type the route is restricted to, e.g. `Patient` for `$everything`. */
  resourceType?: string;
  /** For operations: the scope permission needed on the route's resource type. */
  requires?: Permission;
}

export interface MatchedRoute {
  route: Route;
  /** Resource type named by the request, when the route has one. */
  resourceType?: string;
}

export function matchRoute(routes: readonly Route[], request: FhirRequest, isResourceType: (t: string) => boolean): MatchedRoute | undefined {
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  for (const route of routes) {
    if (route.method !== method || route.path.length !== request.path.length) continue;
    let resourceType: string | undefined;
    const matches = route.path.every((segment, i) => {
      const actual = request.path[i] as string;
      switch (segment) {
        case ':type':
          resourceType = actual;
          return isResourceType(actual) && (route.resourceType === undefined || route.resourceType === actual);
        case ':compartmentType':
          return isResourceType(actual);
        case ':id':
        case ':vid':
          return !actual.startsWith('$') && !actual.startsWith('_');
        default:
          return segment === actual;
      }
    });
    if (matches) return resourceType === undefined ? { route } : { route, resourceType };
  }
  return undefined;
}

/** The route for a request; unknown types and paths are 404. */
export function resolveRoute(routes: readonly Route[], request: FhirRequest, deps: ApiDeps): MatchedRoute {
  const matched = matchRoute(routes, request, deps.registry.isResourceType);
  if (matched) return matched;
  const first = request.path[0];
  if (first !== undefined && /^[A-Z]/.test(first) && !deps.registry.isResourceType(first)) {
    throw new GatewayError('API-UNKNOWN-TYPE', 'not-found', `Unknown resource type "${first.slice(0, 64)}"`);
  }
  throw new GatewayError('API-NO-ROUTE', 'not-found', `No FHIR interaction answers ${request.method.slice(0, 10)} at this path`);
}

export function createDispatcher(routes: readonly Route[]): (request: FhirRequest, deps: ApiDeps) => Promise<FhirResponse> {
  return (request, deps) => resolveRoute(routes, request, deps).route.handler(request, deps);
}
