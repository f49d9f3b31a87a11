/** What an authenticated request may do: established from a valid access token, carried in the request context. */
import type { OrganizationKind } from './client-registry.ts';
import type { ScopeSet } from './scopes.ts';

export interface AccessGrant {
  clientId: string;
  organizationId: string;
  organizationKind: OrganizationKind;
  scopes: ScopeSet;
  purposeOfUse: string;
  /** The access token's jti, recorded in audit events. */
  tokenJti: string;
  /** The client's registration allows it to break the glass (read fresh with the client's status). */
  breakGlassAllowed: boolean;
}
