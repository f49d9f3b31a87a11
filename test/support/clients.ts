/**
 * Test clients that authenticate for real: a key pair generated in the test, a registration in the
 * gateway's registry, and an access token from the token endpoint over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { type CryptoKey, exportJWK, generateKeyPair } from 'jose';
import type { App } from '../../src/app.ts';
import { buildClientAssertion, requestAccessToken } from '../../src/auth/assertion-builder.ts';
import type { OrganizationKind, RegisteredClient } from '../../src/auth/client-registry.ts';

export interface TestClient {
  clientId: string;
  alg: 'ES384' | 'RS384';
  kid: string;
  privateKey: CryptoKey;
  registration: RegisteredClient;
}

export interface ClientSpec {
  clientId?: string;
  alg?: 'ES384' | 'RS384';
  scopes?: string;
  organizationId?: string;
  organizationKind?: OrganizationKind;
  purposes?: string[];
  defaultPurpose?: string;
  breakGlass?: boolean;
  jwksUri?: string;
}

export const ALL_SCOPES = 'system/*.cruds system/AuditEvent.rs carebridge/admin';

export async function registerClient(app: App, spec: ClientSpec = {}): Promise<TestClient> {
  const alg = spec.alg ?? 'ES384';
  const clientId = spec.clientId ?? `test-${randomUUID().slice(0, 8)}`;
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `${clientId}-key`;
  const registration: RegisteredClient = {
    clientId,
    name: `Test client ${clientId}`,
    organizationId: spec.organizationId ?? 'org-test',
    organizationKind: spec.organizationKind ?? 'gp-practice',
    scopes: spec.scopes ?? ALL_SCOPES,
    purposes: spec.purposes ?? ['TREAT', 'ETREAT', 'CAREMGT', 'HPAYMT'],
    defaultPurpose: spec.defaultPurpose ?? 'TREAT',
    breakGlass: spec.breakGlass ?? false,
    status: 'active',
  };
  if (spec.jwksUri) registration.jwksUri = spec.jwksUri;
  else registration.jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }] };
  await app.clients.save(registration);
  return { clientId, alg, kid, privateKey, registration };
}

/** A token for `client` from the gateway's token endpoint; throws if the gateway refuses. */
export async function tokenFor(baseUrl: string, client: TestClient, scope = client.registration.scopes, claims?: Record<string, unknown>, now?: Date): Promise<string> {
  const tokenUrl = `${baseUrl}/auth/token`;
  const assertion = await buildClientAssertion({ clientId: client.clientId, tokenUrl, key: client.privateKey, alg: client.alg, kid: client.kid, ...(claims ? { claims } : {}), ...(now ? { now } : {}) });
  const response = await requestAccessToken(tokenUrl, assertion, scope);
  if (response.status !== 200 || !response.body.access_token) throw new Error(`token refused: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.access_token;
}
