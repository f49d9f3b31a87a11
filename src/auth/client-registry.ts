/**
 * The registry of SMART Backend Services clients: which Organization each belongs to, its public keys
 * (inline JWKS or a JWKS URL), allowed scopes and purposes of use, and whether it is active.
 */
import type { JSONWebKeySet } from 'jose';
import { GatewayError } from '../shared/errors.ts';
import type { SqlClient } from '../store/db.ts';

export const ORGANIZATION_KINDS = ['hospital', 'gp-practice', 'social-care', 'aco', 'care-team'] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

export interface RegisteredClient {
  clientId: string;
  name: string;
  /** Id of the client's FHIR Organization. */
  organizationId: string;
  organizationKind: OrganizationKind;
  jwks?: JSONWebKeySet;
  jwksUri?: string;
  /** Space-separated SMART scopes the client may be granted. */
  scopes: string;
  /** v3 PurposeOfUse codes the client may assert. */
  purposes: string[];
  defaultPurpose: string;
  /** May this client break the glass (ETREAT override of consent denials)? */
  breakGlass: boolean;
  status: 'active' | 'disabled';
  rateLimitPerMinute?: number;
}

interface ClientRow {
  client_id: string;
  name: string;
  organization_id: string;
  organization_kind: OrganizationKind;
  jwks: JSONWebKeySet | null;
  jwks_uri: string | null;
  scopes: string;
  purposes: string[];
  default_purpose: string;
  break_glass: boolean;
  status: 'active' | 'disabled';
  rate_limit_per_minute: number | null;
}

export interface ClientRegistry {
  find(clientId: string): Promise<RegisteredClient | undefined>;
  /** The registered clients among `clientIds` (one statement). */
  findMany(clientIds: readonly string[]): Promise<RegisteredClient[]>;
  list(): Promise<RegisteredClient[]>;
  save(client: RegisteredClient): Promise<void>;
  setStatus(clientId: string, status: 'active' | 'disabled'): Promise<boolean>;
  remove(clientId: string): Promise<boolean>;
}

export function createClientRegistry(sql: SqlClient): ClientRegistry {
  return {
    async find(clientId) {
      const rows = await sql.query<ClientRow>('select * from client where client_id = $1', [clientId]);
      return rows[0] ? fromRow(rows[0]) : undefined;
    },
    async findMany(clientIds) {
      if (clientIds.length === 0) return [];
      return (await sql.query<ClientRow>('select * from client where client_id = any($1::text[])', [[...clientIds]])).map(fromRow);
    },
    async list() {
      return (await sql.query<ClientRow>('select * from client order by client_id')).map(fromRow);
    },
    async save(client) {
      checkClient(client);
      await sql.query(
        `insert into client (client_id, name, organization_id, organization_kind, jwks, jwks_uri, scopes, purposes, default_purpose, break_glass, status, rate_limit_per_minute)
         values ($1, $2, $3, $4, $5::jsonb, $6, $7, $8::text[], $9, $10, $11, $12)
         on conflict (client_id) do update set name = excluded.name, organization_id = excluded.organization_id,
           organization_kind = excluded.organization_kind, jwks = excluded.jwks, jwks_uri = excluded.jwks_uri, scopes = excluded.scopes,
           purposes = excluded.purposes, default_purpose = excluded.default_purpose, break_glass = excluded.break_glass,
           status = excluded.status, rate_limit_per_minute = excluded.rate_limit_per_minute, updated_at = now()`,
        [
          client.clientId, client.name, client.organizationId, client.organizationKind,
          client.jwks ? JSON.stringify(client.jwks) : null, client.jwksUri ?? null, client.scopes, client.purposes,
          client.defaultPurpose, client.breakGlass, client.status, client.rateLimitPerMinute ?? null,
        ],
      );
    },
    async setStatus(clientId, status) {
      const rows = await sql.query('update client set status = $2, updated_at = now() where client_id = $1 returning client_id', [clientId, status]);
      return rows.length > 0;
    },
    async remove(clientId) {
      return (await sql.query('delete from client where client_id = $1 returning client_id', [clientId])).length > 0;
    },
  };
}

function fromRow(row: ClientRow): RegisteredClient {
  const client: RegisteredClient = {
    clientId: row.client_id,
    name: row.name,
    organizationId: row.organization_id,
    organizationKind: row.organization_kind,
    scopes: row.scopes,
    purposes: row.purposes,
    defaultPurpose: row.default_purpose,
    breakGlass: row.break_glass,
    status: row.status,
  };
  if (row.jwks) client.jwks = row.jwks;
  if (row.jwks_uri) client.jwksUri = row.jwks_uri;
  if (row.rate_limit_per_minute !== null) client.rateLimitPerMinute = row.rate_limit_per_minute;
  return client;
}

/** Registration rules: keys present and public only, each with kty and kid; a default purpose among the allowed. */
export function checkClient(client: RegisteredClient): void {
  const bad = (message: string) => new GatewayError('AUT-BAD-CLIENT', 'invalid', message);
  if (!/^[\w.:-]{1,128}$/.test(client.clientId)) throw bad('client_id must be 1-128 characters of letters, digits, _ . : -');
  if (!ORGANIZATION_KINDS.includes(client.organizationKind)) throw bad(`organization kind must be one of ${ORGANIZATION_KINDS.join(', ')}`);
  if (!client.jwks && !client.jwksUri) throw bad('a client needs a JWKS or a JWKS URL');
  for (const key of client.jwks?.keys ?? []) {
    if (!key.kty || !key.kid) throw bad('every JWK needs kty and kid');
    if ('d' in key || 'p' in key || 'k' in key) throw bad('a JWKS for a client must hold public keys only');
  }
  if (client.purposes.length === 0 || !client.purposes.includes(client.defaultPurpose)) throw bad('the default purpose must be one of the allowed purposes');
}
