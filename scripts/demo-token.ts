/** Access tokens for the demo clients (`demo/clients.json`, keys in `demo/keys/`; demo only). */
import fs from 'node:fs';
import type { JWK } from 'jose';
import { buildClientAssertion, keyFromJwk, requestAccessToken } from '../src/auth/assertion-builder.ts';
import { projectPath } from '../src/shared/paths.ts';

interface DemoClient {
  client_id: string;
  organization_id: string;
  scope: string;
}

export function demoClients(): DemoClient[] {
  return JSON.parse(fs.readFileSync(projectPath('demo', 'clients.json'), 'utf8')) as DemoClient[];
}

/** A token for `clientId` from the gateway at `baseUrl`; exits with a message when it is refused. */
export async function demoToken(baseUrl: string, clientId: string, options: { scope?: string; purpose?: string } = {}): Promise<{ token: string; organizationId: string; response: Record<string, unknown> }> {
  const registered = demoClients().find((c) => c.client_id === clientId);
  if (!registered) {
    console.error(`unknown demo client ${clientId}; demo clients: ${demoClients().map((c) => c.client_id).join(', ')}`);
    process.exit(2);
  }
  const jwk = JSON.parse(fs.readFileSync(projectPath('demo', 'keys', `${clientId}.private.jwk.json`), 'utf8')) as JWK;
  const { key, alg, kid } = await keyFromJwk(jwk);
  const tokenUrl = `${baseUrl.replace(/\/+$/, '')}/auth/token`;
  const claims = options.purpose ? { extensions: { 'hl7-b2b': { version: '1', purpose_of_use: [options.purpose] } } } : undefined;
  const assertion = await buildClientAssertion({ clientId, tokenUrl, key, alg, kid, ...(claims ? { claims } : {}) });
  const response = await requestAccessToken(tokenUrl, assertion, options.scope ?? registered.scope);
  if (response.status !== 200 || !response.body.access_token) {
    console.error(`token request failed (${response.status}): ${JSON.stringify(response.body)}`);
    process.exit(1);
  }
  return { token: response.body.access_token, organizationId: registered.organization_id, response: response.body };
}
