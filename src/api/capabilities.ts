/**
 * `GET /metadata`: the CapabilityStatement, generated from what is registered — resource types and their
 * search parameters, the route table's interactions and operations, and our profiles — so that every
 * capability it lists is one the server actually has. https://hl7.org/fhir/R4/capabilitystatement.html
 */
import type {
  CapabilityStatement,
  CapabilityStatementRestResource,
  CapabilityStatementRestResourceInteraction,
  CapabilityStatementRestResourceOperation,
} from 'fhir/r4.js';
import type { Route } from './router.ts';
import type { ApiDeps, FhirRequest, FhirResponse } from './types.ts';

const TYPE_INTERACTIONS = ['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'history-type', 'create', 'search-type'] as const;
const OPERATION_DEFINITIONS: Record<string, string> = {
  everything: 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
  validate: 'http://hl7.org/fhir/OperationDefinition/Resource-validate',
};

const cache = new WeakMap<readonly Route[], CapabilityStatement>();

export async function capabilitiesInteraction(_request: FhirRequest, deps: ApiDeps, routes: readonly Route[]): Promise<FhirResponse> {
  let statement = cache.get(routes);
  if (!statement) {
    statement = buildCapabilityStatement(deps, routes);
    cache.set(routes, statement);
  }
  return { status: 200, body: deps.capabilityExtensions ? deps.capabilityExtensions(structuredClone(statement)) : statement };
}

export function buildCapabilityStatement(deps: ApiDeps, routes: readonly Route[]): CapabilityStatement {
  const typeInteractions = new Set(routes.filter((r) => r.path[0] === ':type').map((r) => r.interaction));
  const systemInteractions = new Set(routes.filter((r) => r.path[0] !== ':type').map((r) => r.interaction));
  const profiles = deps.validator.profiles?.() ?? [];
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: deps.clock.now().toISOString().slice(0, 10),
    publisher: 'carebridge',
    kind: 'instance',
    software: { name: 'carebridge', version: deps.version },
    implementation: { description: 'carebridge health-information-exchange gateway', url: deps.fhirBase },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        resource: deps.registry.resourceTypes.map((type) => describeType(type, deps, routes, typeInteractions, profiles)),
        interaction: [
          ...(systemInteractions.has('batch') ? [{ code: 'transaction' as const }, { code: 'batch' as const }] : []),
          ...(systemInteractions.has('history-system') ? [{ code: 'history-system' as const }] : []),
        ],
        searchParam: [
          { name: '_id', type: 'token', definition: 'http://hl7.org/fhir/SearchParameter/Resource-id' },
          { name: '_lastUpdated', type: 'date', definition: 'http://hl7.org/fhir/SearchParameter/Resource-lastUpdated' },
        ],
      },
    ],
  };
}

function describeType(
  type: string,
  deps: ApiDeps,
  routes: readonly Route[],
  typeInteractions: ReadonlySet<string>,
  profiles: readonly { url: string; type: string }[],
): CapabilityStatementRestResource {
  const params = [...deps.registry.forType(type).values()];
  const references = params.filter((p) => p.type === 'reference');
  const operations = routes
    .filter((r) => r.operation && r.path[0] === ':type' && (r.resourceType === undefined || r.resourceType === type))
    .map((r) => r.operation as string);
  const resource: CapabilityStatementRestResource = {
    type,
    interaction: TYPE_INTERACTIONS.filter((code) => typeInteractions.has(code)).map((code): CapabilityStatementRestResourceInteraction => ({ code })),
    versioning: 'versioned-update',
    readHistory: true,
    updateCreate: true,
    conditionalCreate: true,
    conditionalRead: 'not-supported',
    conditionalUpdate: true,
    conditionalDelete: 'single',
    searchInclude: ['*', ...references.map((p) => `${type}:${p.code}`)],
    searchRevInclude: deps.registry.resourceTypes.flatMap((source) =>
      [...deps.registry.forType(source).values()].filter((p) => p.type === 'reference' && p.targets.includes(type)).map((p) => `${source}:${p.code}`),
    ),
    searchParam: [
      { name: '_id', type: 'token', definition: 'http://hl7.org/fhir/SearchParameter/Resource-id' },
      { name: '_lastUpdated', type: 'date', definition: 'http://hl7.org/fhir/SearchParameter/Resource-lastUpdated' },
      ...params.map((p) => ({ name: p.code, type: p.type, definition: p.url, documentation: p.description.slice(0, 300) })),
    ],
  };
  const supported = profiles.filter((p) => p.type === type).map((p) => p.url);
  if (supported.length > 0) resource.supportedProfile = supported;
  const unique = [...new Set(operations)];
  if (unique.length > 0) {
    resource.operation = unique.map((name): CapabilityStatementRestResourceOperation => ({ name, definition: OPERATION_DEFINITIONS[name] ?? `${deps.fhirBase}/OperationDefinition/${name}` }));
  }
  return resource;
}
