/**
 * How a stage plugs into the gateway (ingest, notifications, transitional care): what it adds to the store,
 * the FHIR API, the HTTP surface and the CapabilityStatement, and the background work it runs. The
 * composition root builds each module with a {@link ModuleContext} and wires what it returns.
 */
import type { CapabilityStatement } from 'fhir/r4.js';
import type { Router } from 'express';
import type { Route } from './api/router.ts';
import type { ApiDeps, FhirRequest } from './api/types.ts';
import type { AuditTrail } from './audit/audit-trail.ts';
import type { AccessGrant } from './auth/access-grant.ts';
import type { ClientRegistry } from './auth/client-registry.ts';
import type { ResourceServer } from './auth/resource-server.ts';
import type { GatewayConfig } from './config/index.ts';
import type { DisclosurePolicy } from './consent/disclosure-gate.ts';
import type { ConsentEnforcementDeps } from './consent/enforce.ts';
import type { Clock } from './shared/clock.ts';
import type { Logger } from './shared/logger.ts';
import type { Metrics } from './shared/metrics.ts';
import type { Database } from './store/db.ts';
import type { FhirStore, WriteListener } from './store/fhir-store.ts';
import type { SearchParamRegistry } from './store/search-parameters.ts';

export interface ModuleContext {
  config: GatewayConfig;
  db: Database;
  /** The ungated store: modules write through it and must gate what they disclose themselves (consent). */
  store: FhirStore;
  registry: SearchParamRegistry;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  audit: AuditTrail;
  clients: ClientRegistry;
  resourceServer: ResourceServer;
  /** What consent enforcement needs, to decide disclosures outside a FHIR request (notifications, worklists). */
  consent: ConsentEnforcementDeps;
  /** The dependencies FHIR handlers get (store gated per request). */
  apiDeps: ApiDeps;
  fhirBase: string;
  gateway: { name: string; url: string };
}

export interface GatewayModule {
  name: string;
  /** Write listeners added to the store, after the provenance/audit recorder, in module order. */
  listeners?: WriteListener[];
  /** FHIR routes (operations, type-specific interactions), matched before the generic ones. */
  routes?: Route[];
  /** Non-FHIR HTTP endpoints, mounted at the root. */
  http?: Router;
  /** Additions to the CapabilityStatement. */
  capability?: (statement: CapabilityStatement) => CapabilityStatement;
  /** Further disclosure rules for a FHIR request (for example: a client sees only its own Subscriptions). */
  policies?: (access: AccessGrant, request: FhirRequest) => DisclosurePolicy[];
  /** Starts background work (delivery workers, listeners); called once the HTTP app is built. */
  start?(): Promise<void>;
  /** Stops background work; called before the database closes. */
  stop?(): Promise<void>;
}
