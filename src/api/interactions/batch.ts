/**
 * batch and transaction. https://hl7.org/fhir/R4/http.html#transaction
 * A transaction runs in one database transaction: entries are processed DELETE, POST, PUT/PATCH, GET (the
 * spec's order), fullUrl and conditional references are resolved first, and any failure rolls back all of it.
 * A batch runs each entry on its own and reports each outcome.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, BundleEntryResponse, Resource } from 'fhir/r4.js';
import { GatewayError, toGatewayError } from '../../shared/errors.ts';
import { asFhirResource, isRecord } from '../../shared/json.ts';
import { outcomeFromError } from '../../shared/outcome.ts';
import { findByCondition } from '../conditional.ts';
import { entryRequest, statusLine } from '../entry-request.ts';
import { returnPreference } from '../request.ts';
import { transactionResolver, rewriteReferences } from '../transaction-references.ts';
import type { ApiDeps, FhirRequest, FhirResponse } from '../types.ts';
import { createResource } from './create.ts';

export type Dispatch = (request: FhirRequest, deps: ApiDeps) => Promise<FhirResponse>;

const ORDER: Record<string, number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 };

export async function processBundle(request: FhirRequest, deps: ApiDeps, dispatch: Dispatch): Promise<FhirResponse> {
  const bundle = request.body;
  if (!isRecord(bundle) || bundle.resourceType !== 'Bundle') {
    throw new GatewayError('API-NOT-BUNDLE', 'invalid', 'POST to the base needs a Bundle of type batch or transaction');
  }
  const { type, entry = [] } = bundle as unknown as Bundle;
  if (type === 'transaction') return processTransaction(entry, request, deps, dispatch);
  if (type === 'batch') return processBatch(entry, request, deps, dispatch);
  throw new GatewayError('API-BAD-BUNDLE-TYPE', 'invalid', 'Only batch and transaction Bundles can be processed');
}

async function processBatch(entries: BundleEntry[], request: FhirRequest, deps: ApiDeps, dispatch: Dispatch): Promise<FhirResponse> {
  const responses: BundleEntry[] = [];
  for (const [index, entry] of entries.entries()) {
    try {
      const response = await dispatch(withPreference(entryRequest(entry, index, deps.fhirBase, request.context), request), deps);
      responses.push(toEntry(response));
    } catch (error) {
      const failure = toGatewayError(error);
      responses.push({ response: { status: statusLine(failure.status), outcome: outcomeFromError(failure) } });
    }
  }
  return { status: 200, body: responseBundle('batch-response', responses, deps) };
}

async function processTransaction(entries: BundleEntry[], request: FhirRequest, deps: ApiDeps, dispatch: Dispatch): Promise<FhirResponse> {
  const responses = await deps.store.transaction(async (store) => {
    const txDeps: ApiDeps = { ...deps, store };
    const requests = entries.map((entry, index) => withPreference(entryRequest(entry, index, deps.fhirBase, request.context), request));
    const plan = await assignIds(entries, requests, txDeps);
    const resolve = transactionResolver(plan.fullUrls, txDeps);
    for (const entryReq of requests) await rewriteReferences(entryReq.body, resolve);
    const results: BundleEntry[] = new Array(entries.length);
    const order = requests.map((_, index) => index).sort((a, b) => (ORDER[requests[a]?.method ?? ''] ?? 9) - (ORDER[requests[b]?.method ?? ''] ?? 9));
    for (const index of order) {
      const entryReq = requests[index] as FhirRequest;
      try {
        results[index] = await processTransactionEntry(entryReq, index, plan, txDeps, dispatch);
      } catch (error) {
        const failure = toGatewayError(error);
        throw new GatewayError(failure.code, failure.category, `Transaction failed at entry ${index}: ${failure.message}`, { issues: failure.issues, cause: error });
      }
    }
    return results;
  });
  return { status: 200, body: responseBundle('transaction-response', responses, deps) };
}

interface TransactionPlan {
  /** fullUrl → `Type/id` for every entry that names a resource. */
  fullUrls: Map<string, string>;
  /** Entry index → the id a POST will be created under, or the existing resource a conditional create matched. */
  creates: Map<number, { id: string; existing?: Resource }>;
}

async function assignIds(entries: BundleEntry[], requests: FhirRequest[], deps: ApiDeps): Promise<TransactionPlan> {
  const plan: TransactionPlan = { fullUrls: new Map(), creates: new Map() };
  for (const [index, entry] of entries.entries()) {
    const request = requests[index] as FhirRequest;
    const resource = entry.resource;
    if (request.method === 'POST' && resource && request.path.length === 1) {
      const condition = request.headers['if-none-exist'];
      const matches = condition ? await findByCondition(resource.resourceType, condition, deps) : [];
      if (matches.length > 1) throw new GatewayError('API-MULTIPLE-MATCHES', 'precondition-failed', `Entry ${index}: ifNoneExist matches more than one resource`);
      const existing = matches[0];
      const id = existing?.id ?? randomUUID();
      plan.creates.set(index, existing ? { id, existing } : { id });
      if (entry.fullUrl) plan.fullUrls.set(entry.fullUrl, `${resource.resourceType}/${id}`);
    } else if (request.method === 'PUT' && entry.fullUrl && request.path.length === 2) {
      plan.fullUrls.set(entry.fullUrl, `${request.path[0]}/${request.path[1]}`);
    }
  }
  return plan;
}

async function processTransactionEntry(request: FhirRequest, index: number, plan: TransactionPlan, deps: ApiDeps, dispatch: Dispatch): Promise<BundleEntry> {
  const create = plan.creates.get(index);
  if (!create) return toEntry(await dispatch(request, deps));
  if (create.existing) return { response: { status: statusLine(200), location: locationOf(create.existing) } };
  const outcome = await createResource(request.body as Resource, deps, undefined, create.id);
  const entry: BundleEntry = { response: { status: statusLine(201), location: locationOf(outcome.resource), etag: `W/"${outcome.resource.meta?.versionId}"`, lastModified: outcome.resource.meta?.lastUpdated } };
  if (returnPreference(request) === 'representation') entry.resource = asFhirResource(outcome.resource);
  return entry;
}

function toEntry(response: FhirResponse): BundleEntry {
  const result: BundleEntryResponse = { status: statusLine(response.status) };
  const headers = response.headers ?? {};
  if (headers.Location) result.location = headers.Location;
  if (headers.ETag) result.etag = headers.ETag;
  if (headers['Last-Modified']) result.lastModified = new Date(headers['Last-Modified']).toISOString();
  const entry: BundleEntry = { response: result };
  if (typeof response.body === 'object') {
    const body = asFhirResource(response.body);
    if (body.resourceType === 'OperationOutcome' && response.status >= 300) result.outcome = body;
    else entry.resource = body;
  }
  return entry;
}

function locationOf(resource: Resource): string {
  return `${resource.resourceType}/${resource.id}/_history/${resource.meta?.versionId ?? '1'}`;
}

function withPreference(entry: FhirRequest, outer: FhirRequest): FhirRequest {
  const prefer = outer.headers.prefer;
  return prefer ? { ...entry, headers: { ...entry.headers, prefer } } : entry;
}

function responseBundle(type: 'batch-response' | 'transaction-response', entries: BundleEntry[], deps: ApiDeps): Bundle {
  return { resourceType: 'Bundle', id: randomUUID(), meta: { lastUpdated: deps.clock.now().toISOString() }, type, entry: entries };
}
