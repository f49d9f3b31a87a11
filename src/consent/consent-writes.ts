/**
 * Who may record a patient's sharing choice: the patient's own practice (the Organization in
 * `Patient.generalPractitioner` or `managingOrganization`) or an administrator. Checked on every Consent
 * write through the API, batch and transaction entries included. DOMAIN.md §6.
 */
import type { Consent, Patient, Resource } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import type { FhirStore } from '../store/fhir-store.ts';

export interface ConsentWriter {
  organizationId: string;
  isAdmin: boolean;
}

export async function checkConsentWrite(resource: Resource, writer: ConsentWriter, store: FhirStore): Promise<void> {
  if (resource.resourceType !== 'Consent' || writer.isAdmin) return;
  const reference = (resource as Consent).patient?.reference ?? '';
  const patientId = /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(reference)?.[1];
  const refuse = () => new GatewayError('CNS-NOT-PATIENTS-PRACTICE', 'forbidden', "Only the patient's registered practice or an administrator may record consent");
  if (!patientId) throw refuse();
  const patient = (await store.find('Patient', patientId)) as Patient | undefined;
  if (!patient || !isPatientsPractice(patient, writer.organizationId)) throw refuse();
}

/** Is `organizationId` the patient's registered practice or managing organization? */
export function isPatientsPractice(patient: Patient, organizationId: string): boolean {
  const org = `Organization/${organizationId}`;
  return (patient.generalPractitioner ?? []).some((ref) => ref.reference === org) || patient.managingOrganization?.reference === org;
}
