/**
 * `POST /ingest/extract/roster[?group={id}&mode=merge|replace&system={uri}]`, body `text/csv`: a practice's or
 * ACO's roster as a CSV of patient identifiers (SPECS.md §b8; see `roster-csv.ts` for the columns). The rows
 * become members of the caller's roster `Group` (default `roster-{organization}`, created on first upload with
 * the caller as `managingEntity`), in one transaction. The answer is a report: rows accepted, added, updated,
 * unchanged, ended; identifiers that match no patient; rows refused and why (RELIABILITY.md case 37), with the
 * file's SHA-256. Needs `system/Group.cu` and `system/Patient.s`; a Group managed by another organisation is 403.
 */
import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Group, Organization } from 'fhir/r4.js';
import type { ModuleContext } from '../app-module.ts';
import { GatewayError } from '../shared/errors.ts';
import type { FhirStore } from '../store/fhir-store.ts';
import { ROSTER_KIND_SYSTEM } from './attribution.ts';
import { type HttpAccess, openHttpAccess, requireScopes } from './http-access.ts';
import { parseRosterCsv } from './roster-csv.ts';
import { type RosterMode, applyRosterRows } from './roster-upload.ts';
import { idOfReference } from './task-codes.ts';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const NATIONAL_ID: Record<string, string> = { england: 'https://fhir.nhs.uk/Id/nhs-number', us: 'http://hl7.org/fhir/sid/us-mbi' };
const COORDINATOR_KINDS = new Set(['aco', 'care-team']);

function option(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value !== undefined && typeof value !== 'string') throw new GatewayError('TCM-BAD-PARAM', 'invalid', `${name} may be given once`);
  return value;
}

function rosterId(organizationId: string): string {
  const id = `roster-${organizationId}`;
  return id.length <= 64 ? id : `roster-${createHash('sha256').update(organizationId).digest('hex').slice(0, 40)}`;
}

async function targetGroup(context: ModuleContext, id: string, organizationId: string, kind: string, store: FhirStore): Promise<Group> {
  const existing = (await store.find('Group', id)) as Group | undefined;
  if (existing) {
    if (idOfReference(existing.managingEntity, 'Organization', context.config.baseUrl) !== organizationId) {
      throw new GatewayError('TCM-ROSTER-FORBIDDEN', 'forbidden', 'This roster is managed by another organisation');
    }
    return existing;
  }
  const org = (await store.find('Organization', organizationId)) as Organization | undefined;
  return {
    resourceType: 'Group',
    id,
    identifier: [{ system: 'https://carebridge.dev/fhir/id/roster', value: id }],
    active: true,
    type: 'person',
    actual: true,
    code: { coding: [{ system: ROSTER_KIND_SYSTEM, code: COORDINATOR_KINDS.has(kind) ? 'aco' : 'practice' }] },
    name: `Roster of ${org?.name ?? organizationId}`,
    managingEntity: { reference: `Organization/${organizationId}` },
  };
}

export function createRosterRouter(context: ModuleContext): express.Router {
  const router = express.Router();
  const csv = express.text({ type: ['text/csv', 'application/csv', 'text/plain'], limit: context.config.bodyLimitBytes });
  // Authenticate before reading the body, so an anonymous upload is refused without being parsed.
  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    res.locals.interaction = 'roster-upload';
    res.locals.access = await openHttpAccess(context, req, (res.locals.requestId as string | undefined) ?? 'unknown', { activity: 'roster-upload', channel: 'extract' });
    next();
  };
  router.post('/ingest/extract/roster', authenticate, csv, async (req: Request, res: Response) => {
    const access = res.locals.access as HttpAccess;
    try {
      requireScopes(access.grant, 'TCM-SCOPE', [['Group', 'c'], ['Group', 'u'], ['Patient', 's']]);
      if (typeof req.body !== 'string') throw new GatewayError('TCM-ROSTER-MEDIA-TYPE', 'unsupported-media-type', 'Send the roster as text/csv');
      const mode = (option(req, 'mode') ?? 'merge') as RosterMode;
      if (mode !== 'merge' && mode !== 'replace') throw new GatewayError('TCM-BAD-PARAM', 'invalid', 'mode must be merge or replace');
      const groupId = option(req, 'group') ?? rosterId(access.grant.organizationId);
      const system = option(req, 'system') ?? NATIONAL_ID[context.config.jurisdiction] ?? 'https://fhir.nhs.uk/Id/nhs-number';
      if (!ID.test(groupId)) throw new GatewayError('TCM-BAD-PARAM', 'invalid', 'group must be a Group id');
      const parsed = parseRosterCsv(req.body, system);
      const today = context.clock.now().toISOString().slice(0, 10);
      const result = await access.writer.transaction(async (tx) => {
        await tx.lock(`roster:${groupId}`);
        const group = await targetGroup(context, groupId, access.grant.organizationId, access.grant.organizationKind, tx);
        const outcome = await applyRosterRows(tx, group, parsed.rows, mode, today, context.config.baseUrl);
        const written = await tx.update(group);
        return { outcome, written };
      });
      const { outcome, written } = result;
      const report = {
        group: `Group/${groupId}`,
        version: written.resource.meta?.versionId,
        changed: written.changed,
        sha256: createHash('sha256').update(req.body).digest('hex'),
        mode,
        rows: parsed.rows.length + parsed.refused.length,
        accepted: outcome.matched.length,
        added: outcome.added,
        updated: outcome.updated,
        unchanged: outcome.unchanged,
        ended: outcome.ended,
        unknown: outcome.unknown,
        refused: [
          ...parsed.refused,
          ...outcome.ambiguous.map((r) => ({ ...r, reason: 'ambiguous-identifier' })),
          ...outcome.duplicate.map((r) => ({ ...r, reason: 'duplicate-patient' })),
          ...outcome.unknownProvider.map((r) => ({ ...r, reason: 'unknown-provider', column: 'provider' })),
        ].sort((a, b) => a.line - b.line),
        ignoredColumns: parsed.ignoredColumns,
      };
      await access.audit(200, outcome.matched);
      res.status(200).json(report);
    } catch (error) {
      await access.audit(error instanceof GatewayError ? error.status : 500, [], error).catch(() => undefined);
      throw error;
    }
  });
  return router;
}
