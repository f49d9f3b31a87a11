/**
 * The consent decision (DOMAIN.md §6; R4 https://hl7.org/fhir/R4/consent.html): may this requester receive
 * this resource of this patient now? Pure: every input is an argument, time included.
 *
 * 1. Each consent in force gives permit, deny or nothing (`evaluate-consent.ts`).
 * 2. Several consents: any deny → deny; else any permit → permit; else the jurisdiction default.
 * 3. Defaults: opt-in → deny. Opt-out → permit for direct care only (TREAT, CAREMGT and their children,
 *    such as ETREAT); payment, operations, public health and the rest → deny.
 * 4. Sensitive data (a label of a category in `categories.json`) is permitted only when the permitting
 *    provisions name a label of each of its categories; never by default.
 * 5. Break-the-glass: an active override, purpose ETREAT (or a child such as BTG) and an identified
 *    clinician turn a deny into a permit with basis `break-glass`, except for categories flagged
 *    `breakGlass: false` (confidentiality V) that no permit names.
 * 6. A permitted resource whose parts carry labels that would have been denied gets a `redact` obligation.
 */
import type { Coding } from 'fhir/r4.js';
import { distinctCodings, includesCoding } from './codings.ts';
import { evaluateConsent, type ConsentVerdict } from './evaluate-consent.ts';
import { isDirectCare, isEmergency } from './purposes.ts';
import { categoriesOf } from './sensitivity.ts';
import type { AccessRequest, ConsentRules, Decision, SensitivityCategory } from './types.ts';
import { assertAccessRequest } from './validate-request.ts';

type PermitBasis = Extract<Decision, { outcome: 'permit' }>['basis'];
type DenyBasis = Extract<Decision, { outcome: 'deny' }>['basis'];

interface Combined {
  decision: Decision;
  /** Sensitivity categories named by the permitting provisions. */
  covered: Set<string>;
}

function permit(basis: PermitBasis, consentIds: string[], reason: string): Decision {
  return { outcome: 'permit', basis, consentIds, reason };
}

function deny(basis: DenyBasis, consentIds: string[], reason: string): Decision {
  return { outcome: 'deny', basis, consentIds, reason };
}

function decideByDefault(request: AccessRequest, sensitive: SensitivityCategory[], rules: ConsentRules): Decision {
  if (request.policy.defaultPolicy === 'opt-in') return deny('default', [], 'no applicable consent; opt-in default denies');
  if (!isDirectCare(request.requester.purposeOfUse, rules.purposes)) {
    return deny('default', [], 'no applicable consent; opt-out default covers direct care only');
  }
  if (sensitive.length > 0) return deny('sensitive-label', [], 'sensitive data is never shared by default');
  return permit('default', [], 'no applicable consent; opt-out default permits direct care');
}

function combineVerdicts(
  verdicts: ConsentVerdict[],
  sensitive: SensitivityCategory[],
  request: AccessRequest,
  rules: ConsentRules,
): Combined {
  const denying = verdicts.filter((v) => v.kind === 'deny').map((v) => v.consentId);
  const permitting = verdicts.filter((v): v is Extract<ConsentVerdict, { kind: 'permit' }> => v.kind === 'permit');
  const covered = new Set(permitting.flatMap((v) => v.named));
  if (denying.length > 0) return { decision: deny('consent', denying, 'a consent provision denies this access'), covered };
  if (permitting.length === 0) return { decision: decideByDefault(request, sensitive, rules), covered };
  const ids = permitting.map((v) => v.consentId);
  if (sensitive.some((category) => !covered.has(category.id))) {
    return { decision: deny('sensitive-label', ids, 'sensitive data without a permit that names it'), covered };
  }
  return { decision: permit('consent', ids, 'a consent provision permits this access'), covered };
}

function isBreakGlassActive(request: AccessRequest, rules: ConsentRules): boolean {
  const { requester, policy } = request;
  const clinician = requester.practitioner !== undefined && requester.practitioner.trim() !== '';
  return policy.breakGlass === true && clinician && isEmergency(requester.purposeOfUse, rules.purposes);
}

function applyBreakGlass(combined: Combined, sensitive: SensitivityCategory[], request: AccessRequest, rules: ConsentRules): Decision {
  const { decision, covered } = combined;
  if (decision.outcome === 'permit' || !isBreakGlassActive(request, rules)) return decision;
  if (sensitive.some((category) => !category.breakGlass && !covered.has(category.id))) {
    return deny('sensitive-label', decision.consentIds, 'break-the-glass does not reach very restricted data');
  }
  return permit('break-glass', decision.consentIds, 'break-the-glass override');
}

/** The decision on the resource's own labels, without redaction obligations. */
function decideOnOwnLabels(request: AccessRequest, rules: ConsentRules): Decision {
  const { requester, resource, policy } = request;
  const ctx = { requester, resource, now: policy.now, rules };
  const verdicts = request.consents.map((consent, index) => evaluateConsent(consent, index, ctx));
  const sensitive = categoriesOf(resource.securityLabels, rules);
  return applyBreakGlass(combineVerdicts(verdicts, sensitive, request, rules), sensitive, request, rules);
}

/** Labels on parts of the resource that would be denied if the whole resource carried them. */
function findRedactions(request: AccessRequest, rules: ConsentRules): Coding[] {
  const own = request.resource.securityLabels;
  const candidates = distinctCodings(request.resource.elementLabels ?? [], rules.aliases).filter(
    (label) => !includesCoding(own, label, rules.aliases),
  );
  return candidates.filter((label) => {
    const resource = { ...request.resource, securityLabels: [...own, label], elementLabels: [] };
    return decideOnOwnLabels({ ...request, resource }, rules).outcome === 'deny';
  });
}

/**
 * Decides whether `request.requester` may receive `request.resource` (DOMAIN.md §6).
 * @throws GatewayError `CNS-…` on an incomplete request or a malformed consent in force; callers must
 *   then deny (fail closed).
 */
export function decideAccess(request: AccessRequest, rules: ConsentRules): Decision {
  assertAccessRequest(request);
  const decision = decideOnOwnLabels(request, rules);
  if (decision.outcome === 'deny') return decision;
  const redact = findRedactions(request, rules);
  return redact.length === 0 ? decision : { ...decision, obligations: { redact } };
}
