/**
 * Entry point: configuration from the environment, the app, the HTTP listener, demo data on an empty
 * database, and a graceful shutdown on SIGTERM/SIGINT (stop accepting, drain in-flight requests, close the pool).
 */
import type { Server } from 'node:http';
import { createApp } from './app.ts';
import { loadConfig } from './config/index.ts';
import { loadDemoWorld } from './demo/load-demo.ts';
import { seedDemoClients } from './demo/seed-clients.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  const { logger } = app;
  if (config.loadDemo) {
    const demo = await loadDemoWorld(app.store.as({ channel: 'system', activity: 'demo-load' }));
    if (demo.loaded) logger.info({ resources: demo.resources }, 'demo world loaded');
    const clients = await seedDemoClients(app.clients);
    if (clients > 0) logger.info({ clients }, 'demo clients registered (keys in demo/keys, demo only)');
  }
  const server: Server = app.http.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  logger.info({ fhirBase: `${config.baseUrl}/fhir`, database: app.db.engine }, 'carebridge listening');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.warn('shutdown grace period over; closing remaining connections');
      server.closeAllConnections();
    }, config.shutdownGraceMs);
    force.unref();
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await app.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(JSON.stringify({ level: 'fatal', msg: 'carebridge failed to start', error: error instanceof Error ? error.message : String(error) }));
  process.exit(1);
});
