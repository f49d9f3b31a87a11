/** Registers the demo SMART clients (`demo/clients.json`) that are not registered yet. */
import fs from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import type { ClientRegistry, OrganizationKind } from '../auth/client-registry.ts';
import { projectPath } from '../shared/paths.ts';

interface DemoClient {
  client_id: string;
  name: string;
  organization_id: string;
  organization_kind: OrganizationKind;
  scope: string;
  purposes: string[];
  default_purpose: string;
  break_glass: boolean;
  jwks: JSONWebKeySet;
}

export async function seedDemoClients(registry: ClientRegistry, file = projectPath('demo', 'clients.json')): Promise<number> {
  const clients = JSON.parse(fs.readFileSync(file, 'utf8')) as DemoClient[];
  let added = 0;
  for (const client of clients) {
    if (await registry.find(client.client_id)) continue;
    await registry.save({
      clientId: client.client_id,
      name: client.name,
      organizationId: client.organization_id,
      organizationKind: client.organization_kind,
      jwks: client.jwks,
      scopes: client.scope,
      purposes: client.purposes,
      defaultPurpose: client.default_purpose,
      breakGlass: client.break_glass,
      status: 'active',
    });
    added++;
  }
  return added;
}
