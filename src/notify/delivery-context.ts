/** Everything a delivery worker needs, built once by the module (no globals). */
import type { ClientRegistry } from '../auth/client-registry.ts';
import type { NotifyConfig } from '../config/index.ts';
import type { ConsentEnforcementDeps } from '../consent/enforce.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { Database } from '../store/db.ts';
import type { FhirStore } from '../store/fhir-store.ts';
import type { SearchParamRegistry } from '../store/search-parameters.ts';
import type { BackoffPolicy } from './backoff.ts';
import type { DeliveryIo } from './delivery-io.ts';
import type { HttpSender } from './channels/http-sender.ts';
import type { NotifyMetrics } from './metrics.ts';
import type { TopicCatalog } from './topics.ts';

export interface DeliveryContext {
  db: Database;
  /** The ungated store, writing as the gateway itself. */
  store: FhirStore;
  registry: SearchParamRegistry;
  catalog: TopicCatalog;
  clients: ClientRegistry;
  consent: ConsentEnforcementDeps;
  sender: HttpSender;
  metrics: NotifyMetrics;
  clock: Clock;
  logger: Logger;
  config: NotifyConfig;
  backoff: BackoffPolicy;
  baseUrl: string;
  fhirBase: string;
  gateway: { name: string; url: string };
  version: string;
  /** This worker's lease owner id. */
  owner: string;
  /** The worker's database reads and writes, shared by the queues it works at once. */
  io: DeliveryIo;
  stopping(): boolean;
  /** A 429 from this origin: deliver to it one at a time for a while. */
  slowDown(origin: string, untilMs: number): void;
}
