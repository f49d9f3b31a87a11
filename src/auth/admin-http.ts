/**
 * The client-registry admin API under `/admin/clients`, for tokens carrying the `carebridge/admin` scope.
 * Request bodies are validated with a JSON Schema (ajv); every change is written to the audit trail.
 */
import { Ajv, type JSONSchemaType } from 'ajv';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AuditTrail } from '../audit/audit-trail.ts';
import { DCM_SYSTEM, securityAuditEvent } from '../audit/balp.ts';
import type { Clock } from '../shared/clock.ts';
import { GatewayError } from '../shared/errors.ts';
import { type OutboundPolicy, checkUrl } from '../shared/outbound-policy.ts';
import type { AccessGrant } from './access-grant.ts';
import { ORGANIZATION_KINDS, type ClientRegistry, type OrganizationKind, type RegisteredClient } from './client-registry.ts';
import type { ResourceServer } from './resource-server.ts';
import { ADMIN_SCOPE } from './scopes.ts';

export interface ClientRegistration {
  name: string;
  organization_id: string;
  organization_kind: OrganizationKind;
  jwks?: { keys: Record<string, unknown>[] };
  jwks_uri?: string;
  scope: string;
  purposes: string[];
  default_purpose: string;
  break_glass?: boolean;
  status?: 'active' | 'disabled';
  rate_limit_per_minute?: number;
}

const schema: JSONSchemaType<ClientRegistration> = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'organization_id', 'organization_kind', 'scope', 'purposes', 'default_purpose'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    organization_id: { type: 'string', pattern: '^[A-Za-z0-9\\-.]{1,64}$' },
    organization_kind: { type: 'string', enum: [...ORGANIZATION_KINDS] },
    jwks: { type: 'object', nullable: true, required: ['keys'], properties: { keys: { type: 'array', maxItems: 20, items: { type: 'object', required: [] } } } },
    jwks_uri: { type: 'string', nullable: true, maxLength: 2000 },
    scope: { type: 'string', minLength: 1, maxLength: 4000 },
    purposes: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'string', pattern: '^[A-Z]{2,12}$' } },
    default_purpose: { type: 'string', pattern: '^[A-Z]{2,12}$' },
    break_glass: { type: 'boolean', nullable: true },
    status: { type: 'string', nullable: true, enum: ['active', 'disabled'] },
    rate_limit_per_minute: { type: 'integer', nullable: true, minimum: 1, maximum: 1_000_000 },
  },
};

export interface AdminHttpOptions {
  registry: ClientRegistry;
  resourceServer: ResourceServer;
  audit: AuditTrail;
  clock: Clock;
  outbound: OutboundPolicy;
  gateway: { name: string; url: string };
}

export function createAdminRouter(options: AdminHttpOptions): express.Router {
  const validate = new Ajv({ allErrors: true }).compile(schema);
  const router = express.Router();
  const admin = async (req: Request): Promise<AccessGrant> => {
    const grant = await options.resourceServer.authenticate(req.headers.authorization);
    if (!grant.scopes.special.includes(ADMIN_SCOPE)) throw new GatewayError('AUT-SCOPE', 'forbidden', `The ${ADMIN_SCOPE} scope is required`);
    return grant;
  };
  const audited = async (grant: AccessGrant, clientId: string, what: string) => {
    await options.audit.record([
      securityAuditEvent({
        subtype: { system: DCM_SYSTEM, code: '110137', display: 'User Security Attributes Changed' },
        action: 'U',
        outcome: '0',
        outcomeDesc: `${what} client ${clientId}`,
        recorded: options.clock.now().toISOString(),
        gateway: options.gateway,
        actor: { clientId: grant.clientId, organizationId: grant.organizationId, purposeOfUse: grant.purposeOfUse, tokenJti: grant.tokenJti },
      }),
    ]);
  };
  const handle = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => fn(req, res).catch(next);

  router.use('/admin', express.json({ limit: '256kb', type: () => true }));
  router.get('/admin/clients', handle(async (req, res) => {
    await admin(req);
    res.json((await options.registry.list()).map(present));
  }));
  router.get('/admin/clients/:id', handle(async (req, res) => {
    await admin(req);
    res.json(present(await found(options.registry, String(req.params.id))));
  }));
  router.put('/admin/clients/:id', handle(async (req, res) => {
    const grant = await admin(req);
    const body: unknown = req.body;
    if (!validate(body)) {
      const issues = (validate.errors ?? []).map((e) => ({ severity: 'error' as const, code: 'invalid' as const, diagnostics: `${e.instancePath || '/'} ${e.message ?? 'is invalid'}` }));
      throw new GatewayError('AUT-BAD-REGISTRATION', 'invalid', 'The client registration is not valid', { issues });
    }
    if (body.jwks_uri) {
      const verdict = checkUrl(body.jwks_uri, options.outbound);
      if (!verdict.ok) throw new GatewayError('AUT-BAD-JWKS-URI', 'invalid', `jwks_uri refused: ${verdict.reason}`);
    }
    const clientId = String(req.params.id);
    const existed = (await options.registry.find(clientId)) !== undefined;
    await options.registry.save(fromRegistration(clientId, body));
    await audited(grant, clientId, existed ? 'updated' : 'registered');
    res.status(existed ? 200 : 201).json(present(await found(options.registry, clientId)));
  }));
  for (const [action, status] of [['disable', 'disabled'], ['enable', 'active']] as const) {
    router.post(`/admin/clients/:id/${action}`, handle(async (req, res) => {
      const grant = await admin(req);
      const clientId = String(req.params.id);
      if (!(await options.registry.setStatus(clientId, status))) throw notFound();
      await audited(grant, clientId, `${action}d`);
      res.json(present(await found(options.registry, clientId)));
    }));
  }
  router.delete('/admin/clients/:id', handle(async (req, res) => {
    const grant = await admin(req);
    const clientId = String(req.params.id);
    if (!(await options.registry.remove(clientId))) throw notFound();
    await audited(grant, clientId, 'removed');
    res.status(204).end();
  }));
  return router;
}

function notFound(): GatewayError {
  return new GatewayError('AUT-NO-CLIENT', 'not-found', 'No such client');
}

async function found(registry: ClientRegistry, clientId: string): Promise<RegisteredClient> {
  const client = await registry.find(clientId);
  if (!client) throw notFound();
  return client;
}

function fromRegistration(clientId: string, body: ClientRegistration): RegisteredClient {
  const client: RegisteredClient = {
    clientId,
    name: body.name,
    organizationId: body.organization_id,
    organizationKind: body.organization_kind,
    scopes: body.scope,
    purposes: body.purposes,
    defaultPurpose: body.default_purpose,
    breakGlass: body.break_glass ?? false,
    status: body.status ?? 'active',
  };
  if (body.jwks) client.jwks = body.jwks as unknown as NonNullable<RegisteredClient['jwks']>;
  if (body.jwks_uri) client.jwksUri = body.jwks_uri;
  if (body.rate_limit_per_minute) client.rateLimitPerMinute = body.rate_limit_per_minute;
  return client;
}

function present(client: RegisteredClient): Record<string, unknown> {
  return {
    client_id: client.clientId,
    name: client.name,
    organization_id: client.organizationId,
    organization_kind: client.organizationKind,
    ...(client.jwks ? { jwks: client.jwks } : {}),
    ...(client.jwksUri ? { jwks_uri: client.jwksUri } : {}),
    scope: client.scopes,
    purposes: client.purposes,
    default_purpose: client.defaultPurpose,
    break_glass: client.breakGlass,
    status: client.status,
    ...(client.rateLimitPerMinute ? { rate_limit_per_minute: client.rateLimitPerMinute } : {}),
  };
}
