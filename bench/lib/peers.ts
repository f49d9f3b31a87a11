/**
 * Peers and ceilings for the read path, measured in the same run as the gateway: a bare `node:http` handler
 * serving the same stored Patient JSON, Express 5 "hello" (the framework ceiling of PERFORMANCE.md §2.5),
 * and direct SQL on the same database through the same pool (our overhead over the database).
 */
import express from 'express';
import type { Patient } from 'fhir/r4.js';
import type { Database } from '../../src/store/db.ts';
import { type Listening, listen } from './gateway.ts';
import type { Contender } from './rounds.ts';
import { closedLoop } from './timing.ts';

/** A bare `node:http` server answering `GET /fhir/Patient/{id}` with `JSON.stringify` of the stored Patient. */
export function startBarePatientServer(patients: ReadonlyMap<string, Patient>): Promise<Listening> {
  return listen((req, res) => {
    const id = (req.url ?? '').slice('/fhir/Patient/'.length);
    const found = patients.get(id);
    if (!found) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/fhir+json' });
    res.end(JSON.stringify(found));
  });
}

/** Express 5 answering "hello" to every request (x-powered-by and etag off, as in PERFORMANCE.md §2.5). */
export function startExpressHello(): Promise<Listening> {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((_req, res) => void res.send('hello'));
  return listen(app);
}

/**
 * `select content from resource where resource_type = $1 and id = $2` from `concurrency` callers through
 * the gateway's own pool (pg) or PGlite instance; content is parsed to an object as the store does.
 */
export function directSqlContender(db: Database, ids: readonly string[], concurrency: number): Contender {
  return {
    label: `direct SQL read (${concurrency} callers, same pool)`,
    run: (ms) =>
      closedLoop(concurrency, ms, async (k) => {
        const rows = await db.query<{ content: Patient }>('select content from resource where resource_type = $1 and id = $2', ['Patient', ids[k % ids.length] as string]);
        if (rows.length !== 1) throw new Error('direct SQL read found no row');
      }),
  };
}
