/**
 * Scope enforcement for every route, whether reached over HTTP or as an entry of a batch/transaction:
 * read/vread/history need `r`, search `s`, create `c`, update/patch `u`, delete `d`; operations declare
 * what they need. AuditEvents are written only by the gateway itself. 403 when the scope lacks.
 * https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 */
import { type Permission, allows } from '../auth/scopes.ts';
import { GatewayError } from '../shared/errors.ts';
import type { Interaction, Route } from './router.ts';
import type { FhirRequest, Handler } from './types.ts';

const REQUIRED: Record<Interaction, Permission | undefined> = {
  capabilities: undefined,
  read: 'r',
  vread: 'r',
  'history-instance': 'r',
  'history-type': 'r',
  'history-system': 'r',
  update: 'u',
  patch: 'u',
  delete: 'd',
  create: 'c',
  'search-type': 's',
  'search-system': 's',
  batch: undefined,
  operation: undefined,
};

/** Types no client may write through the API. */
const SYSTEM_WRITTEN = new Set(['AuditEvent']);

export function authorizedHandler(route: Route): Handler {
  return (request, deps) => {
    authorize(route, request);
    return route.handler(request, deps);
  };
}

export function authorize(route: Route, request: FhirRequest): void {
  if (route.interaction === 'capabilities') return;
  const access = request.context.access;
  if (!access) throw new GatewayError('AUT-UNAUTHORIZED', 'unauthorized', 'A valid bearer token is required');
  const type = targetType(route, request);
  const permission = route.requires ?? REQUIRED[route.interaction];
  if (type && SYSTEM_WRITTEN.has(type) && ['c', 'u', 'd'].includes(permission ?? '')) {
    throw new GatewayError('AUT-READ-ONLY', 'forbidden', `${type} resources are written by the gateway only`);
  }
  if (!permission) return;
  const scopeType = route.interaction === 'history-system' ? '*' : type ?? route.resourceType ?? '*';
  if (!allows(access.scopes, scopeType, permission)) {
    throw new GatewayError('AUT-SCOPE', 'forbidden', `The access token does not allow this interaction on ${scopeType}`);
  }
}

function targetType(route: Route, request: FhirRequest): string | undefined {
  const compartment = route.path.indexOf(':compartmentType');
  if (compartment >= 0) return request.path[compartment];
  return route.path[0] === ':type' ? request.path[0] : route.resourceType;
}
