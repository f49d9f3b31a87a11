/**
 * A small world for TCM tests over HTTP: a hospital, two practices, an ACO with a care team, each a real client;
 * rosters as Groups; patients admitted and discharged through the FHIR API exactly as a hospital system would
 * (an Encounter created in progress, then updated to finished with a discharge disposition). The gateway clock
 * follows real time until a test pins it; tokens are minted at that clock.
 */
import type { Bundle, Encounter, Group, GroupMember, Patient, Resource, Task } from 'fhir/r4.js';
import type { Clock } from '../../src/shared/clock.ts';
import { type TestApp, jsonBody, startTestApp } from '../support/app.ts';
import { type TestClient, registerClient, tokenFor } from '../support/clients.ts';
import type { EngineName } from '../support/databases.ts';

export const ORG = { hospital: 'org-t-hospital', gp: 'org-t-gp-one', gp2: 'org-t-gp-two', aco: 'org-t-aco', team: 'org-t-aco-team' } as const;
export type Who = 'hospital' | 'gp' | 'gp2' | 'aco' | 'team' | 'admin';

export const ACT = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const V2_DISPOSITION = 'http://terminology.hl7.org/CodeSystem/v2-0112';
export const TASK_SYSTEM = 'https://carebridge.dev/fhir/CodeSystem/tcm-task';

/** The gateway's clock: the real time until a test pins it. */
export interface PinnableClock extends Clock {
  set(iso: string): void;
}

export interface TcmWorld {
  t: TestApp;
  clock: PinnableClock;
  /** fetch against the FHIR base as one of the world's clients (a token minted at the gateway clock). */
  fhir(who: Who, path: string, init?: RequestInit): Promise<Response>;
  /** fetch against the gateway root (`/tcm/worklist`, `/ingest/extract/roster`). */
  root(who: Who, path: string, init?: RequestInit): Promise<Response>;
  write<T extends Resource>(who: Who, resource: T): Promise<T>;
  read<T extends Resource>(type: string, id: string): Promise<T>;
  createPatient(tag: string, options?: { gp?: string; birthDate?: string }): Promise<string>;
  /** Adds the patient to the roster Group `roster-<org>` managed by `org` (created on first use). */
  enrol(org: string, patientId: string, member?: Omit<GroupMember, 'entity'>, kind?: 'practice' | 'aco'): Promise<void>;
  admit(patientId: string, start: string, extra?: Partial<Encounter>): Promise<Encounter>;
  discharge(encounter: Encounter, end: string, disposition?: string): Promise<Encounter>;
  tasksOf(encounterId: string): Promise<{ episode: Task; contact: Task; visit: Task }>;
  /** Every TCM Task for the patient (through the admin client). */
  tcmTasks(patientId: string): Promise<Task[]>;
  close(): Promise<void>;
}

export async function buildTcmWorld(engine: EngineName, env: Record<string, string> = {}): Promise<TcmWorld> {
  let pinned: number | undefined;
  const clock: PinnableClock = { now: () => new Date(pinned ?? Date.now()), set: (iso) => void (pinned = Date.parse(iso)) };
  const t = await startTestApp(engine, env, clock);
  const org = (id: string, name: string, kind: string, partOf?: string) => ({
    resourceType: 'Organization',
    id,
    name,
    type: [{ coding: [{ system: 'https://carebridge.dev/fhir/CodeSystem/organization-kind', code: kind }] }],
    ...(partOf ? { partOf: { reference: `Organization/${partOf}` } } : {}),
  });
  for (const resource of [org(ORG.hospital, 'Test Hospital', 'hospital'), org(ORG.gp, 'Practice One', 'gp-practice'), org(ORG.gp2, 'Practice Two', 'gp-practice'), org(ORG.aco, 'Test ACO', 'aco'), org(ORG.team, 'ACO Care Team', 'care-team', ORG.aco)]) {
    const response = await t.api(`/Organization/${resource.id}`, jsonBody(resource, {}, 'PUT'));
    if (response.status >= 300) throw new Error(`organization: ${response.status} ${await response.text()}`);
  }
  const clients: Record<Exclude<Who, 'admin'>, TestClient> = {
    hospital: await registerClient(t.app, { organizationId: ORG.hospital, organizationKind: 'hospital', scopes: 'system/*.cruds' }),
    gp: await registerClient(t.app, { organizationId: ORG.gp, organizationKind: 'gp-practice', scopes: 'system/*.cruds' }),
    gp2: await registerClient(t.app, { organizationId: ORG.gp2, organizationKind: 'gp-practice', scopes: 'system/*.cruds' }),
    aco: await registerClient(t.app, { organizationId: ORG.aco, organizationKind: 'aco', scopes: 'system/*.rs system/Task.u system/Group.cu system/MeasureReport.rs' }),
    team: await registerClient(t.app, { organizationId: ORG.team, organizationKind: 'care-team', scopes: 'system/*.rs system/Task.u' }),
  };
  const tokens = new Map<string, string>();
  const token = async (who: Who): Promise<string> => {
    const client = who === 'admin' ? t.client : clients[who];
    const key = `${who}|${clock.now().toISOString()}`;
    if (!tokens.has(key)) tokens.set(key, await tokenFor(t.baseUrl, client, undefined, undefined, clock.now()));
    return tokens.get(key) as string;
  };
  const call = async (base: string, who: Who, path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${await token(who)}`, ...(init.headers as Record<string, string> | undefined) } });
  const fhir = (who: Who, path: string, init?: RequestInit) => call(t.fhirBase, who, path, init);
  const write = async <T extends Resource>(who: Who, resource: T): Promise<T> => {
    const response = resource.id ? await fhir(who, `/${resource.resourceType}/${resource.id}`, jsonBody(resource, {}, 'PUT')) : await fhir(who, `/${resource.resourceType}`, jsonBody(resource));
    if (response.status >= 300) throw new Error(`write ${resource.resourceType}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const read = async <T extends Resource>(type: string, id: string): Promise<T> => {
    const response = await fhir('admin', `/${type}/${id}`);
    if (response.status !== 200) throw new Error(`read ${type}/${id}: ${response.status}`);
    return (await response.json()) as T;
  };
  const search = async <T extends Resource>(query: string): Promise<T[]> => {
    const response = await fhir('admin', query);
    const bundle = (await response.json()) as Bundle<T>;
    return (bundle.entry ?? []).filter((e) => e.search?.mode !== 'include').map((e) => e.resource as T);
  };
  let patients = 0;
  return {
    t,
    clock,
    fhir,
    root: (who, path, init) => call(t.baseUrl, who, path, init),
    write,
    read,
    async createPatient(tag, options = {}) {
      patients++;
      const patient: Patient = {
        resourceType: 'Patient',
        identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: tag }],
        name: [{ family: `Tcm${patients}`, given: [tag] }],
        birthDate: options.birthDate ?? '1950-05-17',
      };
      if (options.gp) patient.generalPractitioner = [{ reference: `Organization/${options.gp}` }];
      return (await write('admin', patient)).id as string;
    },
    async enrol(manager, patientId, member = {}, kind) {
      const id = `roster-${manager}`;
      const existing = (await fhir('admin', `/Group/${id}`)).status === 200 ? await read<Group>('Group', id) : undefined;
      const group: Group = existing ?? { resourceType: 'Group', id, type: 'person', actual: true, active: true, name: `Roster of ${manager}`, managingEntity: { reference: `Organization/${manager}` } };
      if (kind) group.code = { coding: [{ system: 'https://carebridge.dev/fhir/CodeSystem/roster-kind', code: kind }] };
      group.member = [...(group.member ?? []), { entity: { reference: `Patient/${patientId}` }, ...member }];
      await write('admin', group);
    },
    async admit(patientId, start, extra = {}) {
      return write<Encounter>('hospital', {
        resourceType: 'Encounter',
        status: 'in-progress',
        class: { system: ACT, code: 'IMP' },
        subject: { reference: `Patient/${patientId}` },
        period: { start },
        serviceProvider: { reference: `Organization/${ORG.hospital}`, display: 'Test Hospital' },
        ...extra,
      });
    },
    async discharge(encounter, end, disposition = '01') {
      const current = await read<Encounter>('Encounter', encounter.id as string);
      return write<Encounter>('hospital', {
        ...current,
        status: 'finished',
        period: { ...current.period, end },
        hospitalization: { ...current.hospitalization, dischargeDisposition: { coding: [{ system: V2_DISPOSITION, code: disposition }] } },
      });
    },
    async tasksOf(encounterId) {
      const [episode, contact, visit] = await Promise.all(['', '-contact', '-visit'].map((suffix) => read<Task>('Task', `tcm-${encounterId}${suffix}`)));
      return { episode: episode as Task, contact: contact as Task, visit: visit as Task };
    },
    tcmTasks: (patientId) => search<Task>(`/Task?patient=Patient/${patientId}&code=${['tcm-episode', 'tcm-contact', 'tcm-visit'].map((code) => encodeURIComponent(`${TASK_SYSTEM}|${code}`)).join(',')}&_count=100`),
    close: () => t.close(),
  };
}
