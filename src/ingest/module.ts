/**
 * The ingest stage as a gateway module: the HL7 v2 pipeline (mapper, matcher, raw store), the MLLP listener
 * and the HTTP endpoints. At start it first finishes any message received but not processed before a crash
 * (their senders saw no ACK; they will resend, and the resend then finds them done).
 */
import type { GatewayModule, ModuleContext } from '../app-module.ts';
import { createHl7v2Mapper } from '../mapping/index.ts';
import { createDeterministicMatcher } from '../matching/patient-matcher.ts';
import { type Hl7v2Pipeline, createHl7v2Pipeline } from '../pipeline/hl7v2-pipeline.ts';
import { createIngestMetrics } from '../pipeline/ingest-metrics.ts';
import { createHl7HttpRouter } from './http/hl7v2-http.ts';
import { type MllpListener, createMllpListener } from './mllp/listener.ts';
import { listRaw } from './raw-store.ts';

export interface IngestModule extends GatewayModule {
  pipeline: Hl7v2Pipeline;
  /** The port the MLLP listener bound (after start), if it runs. */
  mllpPort(): number | undefined;
}

export function createIngestModule(context: ModuleContext): IngestModule {
  const { config, store, clock, logger, metrics } = context;
  const ingestMetrics = createIngestMetrics(metrics.registry);
  const pipeline = createHl7v2Pipeline({
    store,
    mapper: createHl7v2Mapper(),
    matcher: createDeterministicMatcher(),
    clock,
    logger: logger.child({ stage: 'ingest' }),
    metrics: ingestMetrics,
    lanes: context.db.engine === 'postgres' ? Math.min(config.ingestLanes, Math.max(1, config.dbPoolSize - 2)) : 1,
  });
  let listener: MllpListener | undefined;
  let port: number | undefined;
  return {
    name: 'ingest',
    pipeline,
    mllpPort: () => port,
    http: createHl7HttpRouter({ pipeline, resourceServer: context.resourceServer, sql: store.sql, bodyLimitBytes: config.bodyLimitBytes }),
    async start() {
      for (const raw of await listRaw(store.sql, 'received', 10_000)) await pipeline.reprocess(raw);
      if (!config.mllp.enabled) return;
      listener = createMllpListener({ ...config.mllp, pipeline, logger: logger.child({ stage: 'mllp' }), metrics: ingestMetrics });
      port = await listener.start();
      logger.info({ port }, 'mllp listening');
    },
    async stop() {
      await listener?.stop(config.shutdownGraceMs);
    },
  };
}
