/**
 * Who sees a TCM Task (DOMAIN.md §5: the practice works its TCM list; SPECS.md §b8): its owner practice, an
 * organisation whose roster covers the patient today (an ACO, or a care team part of it), and administrators.
 * Applied, after scopes and consent, to every FHIR request and to the worklist; other Tasks are untouched.
 */
import type { Resource, Task } from 'fhir/r4.js';
import type { AccessGrant } from '../auth/access-grant.ts';
import { ADMIN_SCOPE } from '../auth/scopes.ts';
import type { DisclosurePolicy } from '../consent/disclosure-gate.ts';
import type { Clock } from '../shared/clock.ts';
import type { FhirStore } from '../store/fhir-store.ts';
import { isCoveredBy } from './attribution.ts';
import { createPracticeDirectory } from './practice-directory.ts';
import { idOfReference, kindOf } from './task-codes.ts';

/** The TCM Task rule for one caller (one request: lookups are cached for its life). */
export function tcmTaskPolicy(grant: AccessGrant, baseUrl: string, clock: Clock): DisclosurePolicy {
  if (grant.scopes.special.includes(ADMIN_SCOPE)) return { filter: async (resources) => [...resources] };
  const covered = new Map<string, Promise<boolean>>();
  let lineage: Promise<string[]> | undefined;
  const covers = (store: FhirStore, patientId: string) => {
    let answer = covered.get(patientId);
    if (!answer) {
      lineage ??= createPracticeDirectory(store, baseUrl).lineageOf(grant.organizationId);
      answer = lineage.then((orgs) => isCoveredBy(store, patientId, orgs, clock.now().toISOString().slice(0, 10), baseUrl));
      covered.set(patientId, answer);
    }
    return answer;
  };
  return {
    async filter(resources, store) {
      const decided: (Resource | undefined)[] = [];
      for (const resource of resources) {
        const task = resource.resourceType === 'Task' ? (resource as Task) : undefined;
        if (!task || kindOf(task) === undefined || idOfReference(task.owner, 'Organization', baseUrl) === grant.organizationId) {
          decided.push(resource);
          continue;
        }
        const patientId = idOfReference(task.for, 'Patient', baseUrl);
        decided.push(patientId !== undefined && (await covers(store, patientId)) ? resource : undefined);
      }
      return decided;
    },
  };
}
