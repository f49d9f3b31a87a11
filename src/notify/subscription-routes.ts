/**
 * The FHIR interactions on Subscription, replacing the generic ones (matched first): create, update, patch
 * and delete apply the server's rules (subscription-write.ts) and keep header values out of the stored
 * resource (notify_secret); reads go through the generic routes, where the module's disclosure policy shows
 * a client only its own Subscriptions, masked. Another client's Subscription answers 404 exactly like a
 * missing one. Update does not create (PUT to an unknown id is 404: ids are the server's). Conditional
 * update and delete are refused for Subscription (they would select across owners).
 */
import { randomUUID } from 'node:crypto';
import type { Subscription } from 'fhir/r4.js';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { bodyResource, idOf, returnPreference, versionFromETag } from '../api/request.ts';
import { writeResponse } from '../api/response.ts';
import type { Route } from '../api/router.ts';
import type { FhirRequest, Handler } from '../api/types.ts';
import type { AccessGrant } from '../auth/access-grant.ts';
import { GatewayError } from '../shared/errors.ts';
import { informationOutcome } from '../shared/outcome.ts';
import { notFound } from '../store/pg-store.ts';
import { maskHeaderLines } from './headers.ts';
import { type WriteDeps, prepareSubscriptionWrite } from './subscription-write.ts';
import { readSecret, saveSecret } from './subscription-table.ts';

export function subscriptionRoutes(deps: WriteDeps): Route[] {
  const create: Handler = async (request, api) => {
    const access = accessOf(request);
    const submitted = bodyResource(request, 'Subscription') as Subscription;
    const id = randomUUID();
    const prepared = await prepareSubscriptionWrite(submitted, id, access, api.store, deps);
    const created = await api.store.transaction(async (store) => {
      const resource = await store.create(prepared.resource, { id });
      await saveSecret(store.sql, id, prepared.headers, access.purposeOfUse);
      return resource;
    });
    return writeResponse(masked(created), 201, returnPreference(request), api.fhirBase, 'Created');
  };

  const updateWith = async (request: FhirRequest, api: Parameters<Handler>[1], change: (current: Subscription) => Subscription) => {
    const access = accessOf(request);
    const id = idOf(request);
    const ifMatch = versionFromETag(request.headers['if-match']);
    const current = (await api.store.find('Subscription', id)) as Subscription | undefined;
    if (!current) throw notFound('Subscription', id);
    const secret = await readSecret(api.store.sql, id);
    const submitted = change(current);
    if (submitted.id !== undefined && submitted.id !== id) throw new GatewayError('API-ID-MISMATCH', 'invalid', 'The resource id in the body must match the id in the URL');
    // Checked outside the transaction (the endpoint check resolves DNS); the write then requires the version read.
    const prepared = await prepareSubscriptionWrite(submitted, id, access, api.store, deps, { resource: current, headers: secret?.headers ?? [] });
    const updated = await api.store.transaction(async (store) => {
      const result = await store.update(prepared.resource, { ifMatch: ifMatch ?? current.meta?.versionId ?? '' });
      await saveSecret(store.sql, id, prepared.headers, access.purposeOfUse);
      return result.resource;
    });
    return writeResponse(masked(updated), 200, returnPreference(request), api.fhirBase, 'Updated');
  };

  const update: Handler = (request, api) => {
    const body = bodyResource(request, 'Subscription') as Subscription;
    if (body.id !== idOf(request)) throw new GatewayError('API-ID-MISMATCH', 'invalid', 'The resource id in the body must match the id in the URL');
    return updateWith(request, api, () => body);
  };

  const patch: Handler = (request, api) => {
    if (!Array.isArray(request.body)) throw new GatewayError('API-BAD-PATCH', 'invalid', 'PATCH needs a JSON Patch document (an array of operations)');
    const operations = request.body as Operation[];
    return updateWith(request, api, (current) => applyPatch(current, operations));
  };

  const remove: Handler = async (request, api) => {
    const id = idOf(request);
    const ifMatch = versionFromETag(request.headers['if-match']);
    await api.store.transaction(async (store) => {
      if (!(await store.find('Subscription', id))) throw notFound('Subscription', id);
      await store.delete('Subscription', id, ifMatch === undefined ? {} : { ifMatch });
    });
    return { status: 200, body: informationOutcome('Deleted') };
  };

  const refuse: Handler = async () => {
    throw new GatewayError('NTF-CONDITIONAL', 'not-supported', 'Conditional update and delete are not supported for Subscription; address it by id');
  };

  const on = (method: Route['method'], path: string[], interaction: Route['interaction'], handler: Handler): Route => ({ method, path, resourceType: 'Subscription', interaction, handler });
  return [
    on('POST', [':type'], 'create', create),
    on('PUT', [':type', ':id'], 'update', update),
    on('PATCH', [':type', ':id'], 'patch', patch),
    on('DELETE', [':type', ':id'], 'delete', remove),
    on('PUT', [':type'], 'update', refuse),
    on('DELETE', [':type'], 'delete', refuse),
  ];
}

function accessOf(request: FhirRequest): AccessGrant {
  const access = request.context.access;
  if (!access) throw new GatewayError('AUT-UNAUTHORIZED', 'unauthorized', 'A valid bearer token is required');
  return access;
}

/** Header values are write-only: every response shows them masked. */
export function masked(subscription: Subscription): Subscription {
  if (!subscription.channel?.header) return subscription;
  return { ...subscription, channel: { ...subscription.channel, header: maskHeaderLines(subscription.channel.header) } };
}

function applyPatch(resource: Subscription, operations: Operation[]): Subscription {
  try {
    return fastJsonPatch.applyPatch(structuredClone(resource), operations, true, false).newDocument;
  } catch (error) {
    const test = (error as { name?: string }).name === 'TEST_OPERATION_FAILED';
    throw new GatewayError(test ? 'STO-PATCH-TEST' : 'STO-PATCH-INVALID', test ? 'unprocessable' : 'invalid', test ? 'A JSON Patch test operation failed' : 'The JSON Patch document is invalid', { cause: error });
  }
}
