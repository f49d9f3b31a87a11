/**
 * `POST /auth/token`: the SMART Backend Services client_credentials grant with a private_key_jwt assertion.
 * Errors follow RFC 6749 §5.2: 400 `unsupported_grant_type` / `invalid_request` (Inferno's g10 kit requires
 * 400 for a bad grant type and a bad assertion type), 401 `invalid_client` for any assertion failure (with no
 * detail), 400 `invalid_scope` when nothing requested is allowed. https://hl7.org/fhir/smart-app-launch/backend-services.html
 */
import type { TokenIssuer } from './access-token.ts';
import { type AssertionContext, AssertionRejected, verifyClientAssertion } from './client-assertion.ts';
import type { RegisteredClient } from './client-registry.ts';
import { formatScopes, intersectScopes, isEmpty, parseScopes } from './scopes.ts';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface TokenOutcome {
  status: number;
  body: Record<string, unknown>;
  /** For the audit trail: who asked (when known), what was granted or why it was refused. */
  audit: { clientId?: string; client?: RegisteredClient; success: boolean; reason: string; purposeOfUse?: string; tokenJti?: string };
}

export interface TokenServiceDeps extends AssertionContext {
  issuer: TokenIssuer;
}

const failure = (status: number, error: string, reason: string, clientId?: string): TokenOutcome => ({
  status,
  body: { error },
  audit: clientId === undefined ? { success: false, reason } : { clientId, success: false, reason },
});

export async function requestToken(form: Record<string, string | undefined>, basicAuth: boolean, deps: TokenServiceDeps): Promise<TokenOutcome> {
  if (form.grant_type !== 'client_credentials') return failure(400, 'unsupported_grant_type', 'grant_type');
  if (form.client_assertion_type !== ASSERTION_TYPE) return failure(400, 'invalid_request', 'client_assertion_type');
  if (!form.client_assertion) return failure(400, 'invalid_request', 'client_assertion missing');
  if (basicAuth) return failure(400, 'invalid_request', 'more than one client authentication method');
  if (!form.scope) return failure(400, 'invalid_request', 'scope missing');

  let verified: Awaited<ReturnType<typeof verifyClientAssertion>>;
  try {
    verified = await verifyClientAssertion(form.client_assertion, deps);
  } catch (error) {
    if (error instanceof AssertionRejected) return failure(401, 'invalid_client', error.reason, error.clientId);
    throw error;
  }
  const { client, claims } = verified;
  if (form.client_id !== undefined && form.client_id !== client.clientId) return failure(401, 'invalid_client', 'client_id differs from iss', client.clientId);
  const granted = intersectScopes(parseScopes(form.scope), parseScopes(client.scopes));
  if (isEmpty(granted)) return failure(400, 'invalid_scope', 'no requested scope is allowed', client.clientId);
  const purposeOfUse = choosePurpose(claims, client);
  const scope = formatScopes(granted);
  const token = await deps.issuer.issue({ clientId: client.clientId, organizationId: client.organizationId, organizationKind: client.organizationKind, scope, purposeOfUse });
  return {
    status: 200,
    body: { access_token: token.token, token_type: 'bearer', expires_in: token.expiresIn, scope },
    audit: { clientId: client.clientId, client, success: true, reason: 'issued', purposeOfUse, tokenJti: token.jti },
  };
}

/**
 * The purpose from the HL7 B2B authorization extension (`extensions["hl7-b2b"].purpose_of_use`, codes or
 * `system#code`), when it is one the client may assert; otherwise the client's default purpose.
 * https://hl7.org/fhir/us/udap-security/b2b.html#b2b-authorization-extension-object
 */
export function choosePurpose(claims: Record<string, unknown>, client: RegisteredClient): string {
  const extensions = claims.extensions as Record<string, { purpose_of_use?: unknown }> | undefined;
  const raw = extensions?.['hl7-b2b']?.purpose_of_use;
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  for (const value of values) {
    if (typeof value !== 'string') continue;
    const code = value.includes('#') ? value.slice(value.lastIndexOf('#') + 1) : value;
    if (client.purposes.includes(code)) return code;
  }
  return client.defaultPurpose;
}
