/**
 * HL7 v2 over HTTP: `POST /ingest/hl7v2` takes one or more ER7 messages (a batch file too) from an
 * authenticated hospital client and answers with the ACK(s) as the body, with the same dedup and ACK
 * semantics as MLLP. The quarantine is listed at `GET /ingest/hl7v2/quarantine` and a message replayed with
 * `POST /ingest/hl7v2/quarantine/{id}/$replay` (administrators, or the client that sent it).
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AccessGrant } from '../../auth/access-grant.ts';
import type { ResourceServer } from '../../auth/resource-server.ts';
import { ADMIN_SCOPE, allows } from '../../auth/scopes.ts';
import type { Hl7v2Pipeline } from '../../pipeline/hl7v2-pipeline.ts';
import { GatewayError } from '../../shared/errors.ts';
import type { SqlClient } from '../../store/db.ts';
import { splitBatch } from '../hl7v2/index.ts';
import { getRaw, listRaw } from '../raw-store.ts';

export interface Hl7HttpOptions {
  pipeline: Hl7v2Pipeline;
  resourceServer: ResourceServer;
  sql: SqlClient;
  bodyLimitBytes: number;
}

const HL7_TYPES = ['x-application/hl7-v2+er7', 'application/hl7-v2', 'text/plain'];

export function createHl7HttpRouter(options: Hl7HttpOptions): express.Router {
  const router = express.Router();
  const handle = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => fn(req, res).catch(next);
  const sender = async (req: Request): Promise<AccessGrant> => {
    const grant = await options.resourceServer.authenticate(req.headers.authorization);
    if (!allows(grant.scopes, 'Encounter', 'u') && !grant.scopes.special.includes(ADMIN_SCOPE)) {
      throw new GatewayError('AUT-SCOPE', 'forbidden', 'Sending HL7 v2 needs write access to Encounter (system/Encounter.u)');
    }
    return grant;
  };

  router.post(
    '/ingest/hl7v2',
    handle(async (req, res) => {
      const grant = await sender(req);
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!HL7_TYPES.includes(type)) throw new GatewayError('ING-MEDIA-TYPE', 'unsupported-media-type', `Content-Type must be one of ${HL7_TYPES.join(', ')}`);
      const body = await readBody(req, options.bodyLimitBytes);
      const messages = messagesOf(body);
      const acks: string[] = [];
      for (const message of messages) {
        const result = await options.pipeline.ingest({ bytes: Buffer.from(message), channel: 'http', source: grant.clientId, clientId: grant.clientId });
        if (result.ack) acks.push(result.ack);
      }
      res.status(200).type('x-application/hl7-v2+er7').send(acks.join('\r\n'));
    }),
  );
  router.get(
    '/ingest/hl7v2/quarantine',
    handle(async (req, res) => {
      const grant = await sender(req);
      const after = Number(req.query.after ?? 0) || 0;
      const rows = (await listRaw(options.sql, 'quarantined', 100, after)).filter((row) => mayManage(grant, row.source));
      res.json(rows.map((row) => ({ id: row.id, receivedAt: row.receivedAt, channel: row.channel, sendingFacility: row.sendingFacility, controlId: row.controlId, messageType: row.messageType, reason: row.reason })));
    }),
  );
  router.post(
    '/ingest/hl7v2/quarantine/:id/:operation',
    handle(async (req, res) => {
      const grant = await sender(req);
      if (req.params.operation !== '$replay') throw new GatewayError('ING-NO-OPERATION', 'not-found', 'Unknown quarantine operation');
      const raw = await getRaw(options.sql, Number(req.params.id));
      if (!raw || raw.status !== 'quarantined' || !mayManage(grant, raw.source)) throw new GatewayError('ING-NO-MESSAGE', 'not-found', 'No quarantined message with this id');
      const result = await options.pipeline.reprocess(raw);
      res.status(200).type('x-application/hl7-v2+er7').send(result.ack ?? '');
    }),
  );
  return router;
}

/** The messages of a body (one message, several, or an FHS/BHS batch); an unreadable batch is one message to refuse. */
function messagesOf(body: Buffer): Uint8Array[] {
  try {
    const split = splitBatch(body);
    return split.messages.length > 0 ? split.messages : [body];
  } catch {
    return [body];
  }
}

/** Administrators manage every message; a client its own (HTTP messages record the client id as source). */
function mayManage(grant: AccessGrant, source: string | undefined): boolean {
  return grant.scopes.special.includes(ADMIN_SCOPE) || source === grant.clientId;
}

async function readBody(req: Request, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new GatewayError('ING-TOO-LARGE', 'too-large', 'The message is larger than the gateway accepts');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
