/**
 * SMART on FHIR scopes for backend services: v2 `system/Type.cruds` (letters in that order) and v1
 * `system/Type.read|write|*` (mapped to v2), intersected with what a client is registered for.
 * https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 */
export type Permission = 'c' | 'r' | 'u' | 'd' | 's';
const ORDER: Permission[] = ['c', 'r', 'u', 'd', 's'];
const V1: Record<string, Permission[]> = { read: ['r', 's'], write: ['c', 'u', 'd'], '*': ['c', 'r', 'u', 'd', 's'] };

/** Scopes outside FHIR resource access that the gateway understands. */
export const ADMIN_SCOPE = 'carebridge/admin';
const SPECIAL = new Set([ADMIN_SCOPE]);

export interface ResourceScope {
  resourceType: string; // a type or '*'
  permissions: Permission[];
}

export interface ScopeSet {
  resources: ResourceScope[];
  special: string[];
}

/** Parses one scope; undefined for anything not a system-level resource scope we can honour exactly. */
export function parseScope(scope: string): ResourceScope | undefined {
  const match = /^system\/(\*|[A-Z][A-Za-z]+)\.([a-z*]+)$/.exec(scope);
  if (!match) return undefined; // patient/ and user/ contexts, `?param=` granular scopes and junk are not granted
  const [, resourceType = '', suffix = ''] = match;
  const v1 = V1[suffix];
  if (v1) return { resourceType, permissions: v1 };
  const letters = [...suffix] as Permission[];
  const inOrder = letters.every((letter, i) => ORDER.includes(letter) && (i === 0 || ORDER.indexOf(letter) > ORDER.indexOf(letters[i - 1] as Permission)));
  return inOrder && letters.length > 0 ? { resourceType, permissions: letters } : undefined;
}

export function parseScopes(text: string): ScopeSet {
  const set: ScopeSet = { resources: [], special: [] };
  for (const scope of text.split(/\s+/).filter(Boolean)) {
    if (SPECIAL.has(scope)) set.special.push(scope);
    const parsed = parseScope(scope);
    if (parsed) set.resources.push(parsed);
  }
  return set;
}

/** What of `requested` the registration allows; wildcard requests expand to the registered types. */
export function intersectScopes(requested: ScopeSet, registered: ScopeSet): ScopeSet {
  const granted = new Map<string, Set<Permission>>();
  const grant = (type: string, permissions: Permission[]) => {
    if (permissions.length === 0) return;
    const current = granted.get(type) ?? new Set<Permission>();
    for (const p of permissions) current.add(p);
    granted.set(type, current);
  };
  for (const want of requested.resources) {
    for (const have of registered.resources) {
      const allowed = want.permissions.filter((p) => have.permissions.includes(p));
      if (want.resourceType === '*' || have.resourceType === '*') {
        grant(want.resourceType === '*' ? have.resourceType : want.resourceType, allowed);
      } else if (want.resourceType === have.resourceType) {
        grant(want.resourceType, allowed);
      }
    }
  }
  return {
    resources: [...granted].map(([resourceType, permissions]) => ({ resourceType, permissions: ORDER.filter((p) => permissions.has(p)) })),
    special: requested.special.filter((scope) => registered.special.includes(scope)),
  };
}

export function formatScopes(set: ScopeSet): string {
  return [...set.resources.map((s) => `system/${s.resourceType}.${s.permissions.join('')}`), ...set.special].join(' ');
}

export function isEmpty(set: ScopeSet): boolean {
  return set.resources.length === 0 && set.special.length === 0;
}

/** Types a wildcard scope does not reach: the audit trail must be granted by name (`system/AuditEvent.rs`). */
const NAMED_ONLY = new Set(['AuditEvent']);

/** True when the scopes allow `permission` on `resourceType`. */
export function allows(set: ScopeSet, resourceType: string, permission: Permission): boolean {
  const wildcardReaches = !NAMED_ONLY.has(resourceType);
  return set.resources.some((s) => ((s.resourceType === '*' && wildcardReaches) || s.resourceType === resourceType) && s.permissions.includes(permission));
}
