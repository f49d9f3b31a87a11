/**
 * Does one `Consent.provision` apply to this request? Every criterion it states must match
 * (R4 consent.html, provision; DOMAIN.md §6): actor, action, purpose, class, code, securityLabel,
 * dataPeriod, data and period. Criteria it does not state do not restrict it. Nested provisions are
 * handled by the caller (`evaluate-consent.ts`).
 */
import type { Coding, ConsentProvision, ConsentProvisionData } from 'fhir/r4.js';
import { matchActors } from './actors.ts';
import { canonicalSystem, isCodeOf, labelCovers, sameCoding, SYSTEMS } from './codings.ts';
import { allMatch, anyMatch, type Match } from './match.ts';
import { isDataWithin, isWithinPeriod } from './periods.ts';
import { isPurposeWithin } from './purposes.ts';
import { referenceKey } from './references.ts';
import type { ConsentRules, Requester, ResourceFacts } from './types.ts';

/** Everything a provision is matched against. */
export interface MatchContext {
  requester: Requester;
  resource: ResourceFacts;
  now: Date;
  rules: ConsentRules;
}

/** Actions that are a disclosure of existing data; `collect` and `correct` are not (see README). */
const DISCLOSURE_ACTIONS = ['access', 'use', 'disclose'];

function matchAction(provision: ConsentProvision, ctx: MatchContext): Match {
  const codings = (provision.action ?? []).flatMap((concept) => concept.coding ?? []);
  if (codings.length === 0) return 'unknown';
  if (codings.some((c) => isCodeOf(c, SYSTEMS.consentAction, DISCLOSURE_ACTIONS, ctx.rules.aliases))) return 'yes';
  const known = codings.every((c) => canonicalSystem(c.system, ctx.rules.aliases) === SYSTEMS.consentAction);
  return known ? 'no' : 'unknown';
}

function matchPurpose(purposes: readonly Coding[], ctx: MatchContext): Match {
  const requested = ctx.requester.purposeOfUse;
  const hit = purposes.some((coding) => {
    const system = canonicalSystem(coding.system, ctx.rules.aliases);
    if (coding.code === undefined || (system !== undefined && system !== SYSTEMS.actReason)) return false;
    return isPurposeWithin(requested, coding.code, ctx.rules.purposes);
  });
  return hit ? 'yes' : 'no';
}

function matchClass(classes: readonly Coding[], ctx: MatchContext): Match {
  const profiles = (ctx.resource.profiles ?? []).map((p) => p.split('|')[0]);
  const hit = classes.some((coding) => {
    const system = canonicalSystem(coding.system, ctx.rules.aliases);
    const code = coding.code?.trim();
    if (code === undefined) return false;
    if (system === undefined || system === SYSTEMS.resourceTypes) {
      if (code === ctx.resource.resourceType) return true;
    }
    return profiles.includes(code.split('|')[0]);
  });
  return hit ? 'yes' : 'no';
}

function matchCode(concepts: NonNullable<ConsentProvision['code']>, ctx: MatchContext): Match {
  const wanted = concepts.flatMap((concept) => concept.coding ?? []);
  const hit = wanted.some((w) => ctx.resource.codes.some((c) => sameCoding(w, c, ctx.rules.aliases)));
  return hit ? 'yes' : 'no';
}

function matchSecurityLabel(labels: readonly Coding[], ctx: MatchContext): Match {
  const hit = labels.some((l) => ctx.resource.securityLabels.some((r) => labelCovers(l, r, ctx.rules.aliases)));
  return hit ? 'yes' : 'no';
}

function matchOneData(data: ConsentProvisionData, ctx: MatchContext): Match {
  const wanted = data.reference.reference;
  if (wanted === undefined || wanted.trim() === '') return 'unknown';
  const key = referenceKey(wanted);
  const own = ctx.resource.reference === undefined ? undefined : referenceKey(ctx.resource.reference);
  if (own === key) return 'yes';
  if (data.meaning === 'instance') return own === undefined ? 'unknown' : 'no';
  // related, dependents, authoredby: approximated by the references the resource itself makes.
  const references = ctx.resource.references;
  if (references === undefined) return 'unknown';
  return references.some((ref) => referenceKey(ref) === key) ? 'yes' : 'no';
}

/** Matches every criterion the provision states; 'unknown' when only facts the caller lacks stand in the way. */
export function matchProvision(provision: ConsentProvision, ctx: MatchContext, what: string): Match {
  const results: Match[] = [];
  if (!isWithinPeriod(provision.period, ctx.now, `${what}.period`)) return 'no';
  if (provision.actor?.length) results.push(matchActors(provision.actor, ctx.requester));
  if (provision.action?.length) results.push(matchAction(provision, ctx));
  if (provision.purpose?.length) results.push(matchPurpose(provision.purpose, ctx));
  if (provision.class?.length) results.push(matchClass(provision.class, ctx));
  if (provision.code?.length) results.push(matchCode(provision.code, ctx));
  if (provision.securityLabel?.length) results.push(matchSecurityLabel(provision.securityLabel, ctx));
  if (provision.dataPeriod) results.push(isDataWithin(ctx.resource.date, provision.dataPeriod, `${what}.dataPeriod`));
  if (provision.data?.length) results.push(anyMatch(provision.data.map((d) => matchOneData(d, ctx))));
  return allMatch(results);
}
