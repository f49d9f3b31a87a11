/**
 * Who works at a practice, for deciding whether a contact or visit was "with the practice" (DOMAIN.md §5): the
 * practice Organization itself, its PractitionerRoles, and the Practitioners holding them. Also which
 * organisations an organisation acts for (itself and its `partOf` parents: a care team of an ACO).
 * Lookups are cached for the life of one directory (one transaction or request).
 */
import type { Organization, PractitionerRole, Reference } from 'fhir/r4.js';
import type { FhirStore } from '../store/fhir-store.ts';
import { findAll, referenceFilter } from './find-all.ts';
import { idOfReference } from './task-codes.ts';

export interface PracticeDirectory {
  /** True when `reference` is the Organization `orgId`, or one of its PractitionerRoles or their Practitioners. */
  isOfPractice(reference: Reference | undefined, orgId: string): Promise<boolean>;
  /** `orgId` and the organisations it is part of (up to 5 levels). */
  lineageOf(orgId: string): Promise<string[]>;
}

export function createPracticeDirectory(store: FhirStore, baseUrl: string): PracticeDirectory {
  const staff = new Map<string, Promise<{ roles: Set<string>; practitioners: Set<string> }>>();
  const staffOf = (orgId: string) => {
    let entry = staff.get(orgId);
    if (!entry) {
      entry = findAll<PractitionerRole>(store, 'PractitionerRole', [referenceFilter('organization', [`Organization/${orgId}`])], 5000).then((roles) => {
        const active = roles.filter((role) => role.active !== false);
        return {
          roles: new Set(active.map((role) => role.id ?? '')),
          practitioners: new Set(active.flatMap((role) => idOfReference(role.practitioner, 'Practitioner', baseUrl) ?? [])),
        };
      });
      staff.set(orgId, entry);
    }
    return entry;
  };
  return {
    async isOfPractice(reference, orgId) {
      if (idOfReference(reference, 'Organization', baseUrl) === orgId) return true;
      const roleId = idOfReference(reference, 'PractitionerRole', baseUrl);
      if (roleId !== undefined) return (await staffOf(orgId)).roles.has(roleId);
      const practitionerId = idOfReference(reference, 'Practitioner', baseUrl);
      return practitionerId !== undefined && (await staffOf(orgId)).practitioners.has(practitionerId);
    },
    async lineageOf(orgId) {
      const lineage = [orgId];
      let current = orgId;
      for (let depth = 0; depth < 5; depth++) {
        const org = (await store.find('Organization', current)) as Organization | undefined;
        const parent = idOfReference(org?.partOf, 'Organization', baseUrl);
        if (parent === undefined || lineage.includes(parent)) break;
        lineage.push(parent);
        current = parent;
      }
      return lineage;
    },
  };
}
