/**
 * `GET /tcm/worklist?practice=Organization/x&status=open,overdue&sort=-contactDue&_count=20`: the TCM worklist
 * as JSON for the web app and integrations (DOMAIN.md §2, §5). `practice` defaults to the caller's organisation
 * (whose default list also takes in the patients its rosters cover); `status` is a comma list of `open`
 * (includes overdue), `overdue`, `suspended`, `completed`, `cancelled` or `all` (default `open`); `sort` is
 * `contactDue` (default), `visitDue`, `discharge` or `episodeEnd`, `-` for descending. Pages through a signed
 * `_cursor` in `next`. Needs `system/Task.s` and `system/Patient.r`; every row passed consent; audited.
 * The same data is standard FHIR: `GET /fhir/Task?owner=Organization/x&code=https://carebridge.dev/fhir/CodeSystem/tcm-task|tcm-episode`.
 */
import express, { type Request, type Response } from 'express';
import type { ModuleContext } from '../app-module.ts';
import { GatewayError } from '../shared/errors.ts';
import { openHttpAccess, requireScopes } from './http-access.ts';
import { tcmTaskPolicy } from './task-policy.ts';
import { ROW_STATUSES, type RowStatus, matchesStatus, parseSort, sortRows } from './worklist.ts';
import { readWorklist } from './worklist-read.ts';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

function single(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new GatewayError('TCM-BAD-PARAM', 'invalid', `${name} may be given once`);
  return value;
}

function parsePractice(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const id = value.replace(/^Organization\//, '');
  if (!ID.test(id)) throw new GatewayError('TCM-BAD-PARAM', 'invalid', 'practice must be Organization/{id}');
  return id;
}

function parseStatuses(value: string | undefined): Set<RowStatus> {
  const names = (value ?? 'open').split(',').map((s) => s.trim());
  if (names.includes('all')) return new Set(ROW_STATUSES);
  const statuses = names.map((name) => ROW_STATUSES.find((s) => s === name));
  if (statuses.some((s) => s === undefined)) throw new GatewayError('TCM-BAD-PARAM', 'invalid', `status must be a comma list of ${ROW_STATUSES.join(', ')} or all`);
  return new Set(statuses as RowStatus[]);
}

/** The query parameters as ordered pairs, for binding cursors to the exact query. */
function pairs(req: Request): [string, string][] {
  return Object.entries(req.query).flatMap(([key, value]) => (Array.isArray(value) ? value.map((v) => [key, String(v)] as [string, string]) : [[key, String(value)] as [string, string]]));
}

export function createWorklistRouter(context: ModuleContext): express.Router {
  const router = express.Router();
  const { config } = context;
  router.get('/tcm/worklist', async (req: Request, res: Response) => {
    const requestId = (res.locals.requestId as string | undefined) ?? 'unknown';
    res.locals.interaction = 'tcm-worklist';
    const access = await openHttpAccess(context, req, requestId, { activity: 'tcm-worklist', extra: (grant) => [tcmTaskPolicy(grant, config.baseUrl, context.clock)] });
    try {
      requireScopes(access.grant, 'TCM-SCOPE', [['Task', 's'], ['Patient', 'r']]);
      const practice = parsePractice(single(req, 'practice'));
      const statuses = parseStatuses(single(req, 'status'));
      const sort = parseSort(single(req, 'sort'));
      const countParam = single(req, '_count');
      if (countParam !== undefined && !/^\d{1,6}$/.test(countParam)) throw new GatewayError('TCM-BAD-PARAM', 'invalid', '_count must be a whole number');
      const count = Math.max(1, Math.min(countParam === undefined ? config.defaultPageSize : Number(countParam), config.maxPageSize));
      const cursor = single(req, '_cursor');
      const offset = cursor === undefined ? 0 : context.apiDeps.cursors.open(cursor, pairs(req), access.grant.clientId);
      const now = context.clock.now();
      const entries = await readWorklist(context.store, access.store, { callerOrg: access.grant.organizationId, ...(practice ? { practice } : {}), statuses, now, baseUrl: config.baseUrl });
      const wanted = entries.filter((entry) => matchesStatus(entry.row, statuses));
      const order = new Map(wanted.map((entry) => [entry.row, entry]));
      const sorted = sortRows(wanted.map((entry) => entry.row), sort);
      const page = sorted.slice(offset, offset + count);
      const body: Record<string, unknown> = {
        practice: `Organization/${practice ?? access.grant.organizationId}`,
        status: [...statuses],
        sort: `${sort.descending ? '-' : ''}${sort.key}`,
        total: sorted.length,
        offset,
        count: page.length,
        items: page,
      };
      if (offset + count < sorted.length) {
        const next = new URLSearchParams(pairs(req).filter(([key]) => key !== '_cursor'));
        next.set('_cursor', context.apiDeps.cursors.issue(offset + count, pairs(req), access.grant.clientId));
        body.next = `${config.baseUrl}/tcm/worklist?${next.toString()}`;
      }
      await access.audit(200, page.flatMap((row) => order.get(row)?.shown ?? []));
      res.setHeader('Cache-Control', 'no-store');
      res.status(200).json(body);
    } catch (error) {
      await access.audit(error instanceof GatewayError ? error.status : 500, [], error).catch(() => undefined);
      throw error;
    }
  });
  return router;
}
