/**
 * The FHIR protocol layer, independent of HTTP: handlers take a {@link FhirRequest} and return a
 * {@link FhirResponse}. Express (and batch/transaction entries, processed in-process) only adapt to it.
 */
import type { CapabilityStatement, OperationOutcomeIssue, Resource } from 'fhir/r4.js';
import type { AccessGrant } from '../auth/access-grant.ts';
import type { GatewayConfig } from '../config/index.ts';
import type { Clock } from '../shared/clock.ts';
import type { FhirStore } from '../store/fhir-store.ts';
import type { SearchParamRegistry } from '../store/search-parameters.ts';
import type { CursorCodec } from './paging-cursor.ts';
import type { SummaryTable } from './shape.ts';

/** Who is asking, established by the access layer before a handler runs. */
export interface RequestContext {
  requestId: string;
  /** Stable identity of the caller, used to bind paging cursors (the client id once authenticated). */
  principal: string;
  /** The authenticated client's grant; absent only for discovery (metadata). */
  access?: AccessGrant;
  /** Network address of the caller. */
  address?: string;
}

export interface FhirRequest {
  method: string;
  /** Path below the FHIR base, split on '/', URL-decoded: `['Patient', '123', '_history']`. */
  path: string[];
  /** Query parameters in order, duplicates kept. */
  query: [string, string][];
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body?: unknown;
  context: RequestContext;
}

export interface FhirResponse {
  status: number;
  /** A resource, or already-serialised JSON text. */
  body?: Resource | string;
  headers?: Record<string, string>;
}

/** What the API needs from validation: all issues of a resource, empty when it is valid. */
export interface ResourceValidator {
  validate(resource: unknown, options?: { profiles?: string[] }): OperationOutcomeIssue[];
  /** The profiles the validator knows, by canonical URL and the resource type they constrain. */
  profiles?(): { url: string; type: string }[];
}

export interface ApiDeps {
  config: GatewayConfig;
  store: FhirStore;
  registry: SearchParamRegistry;
  validator: ResourceValidator;
  clock: Clock;
  cursors: CursorCodec;
  summaryTable: SummaryTable;
  /** Absolute FHIR base URL, no trailing slash. */
  fhirBase: string;
  version: string;
  /** Later stages (security, subscriptions) add to the CapabilityStatement through this. */
  capabilityExtensions?: (statement: CapabilityStatement) => CapabilityStatement;
}

export type Handler = (request: FhirRequest, deps: ApiDeps) => Promise<FhirResponse>;
