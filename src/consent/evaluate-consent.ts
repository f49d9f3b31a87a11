/**
 * One Consent against one request (DOMAIN.md §6; R4 https://hl7.org/fhir/R4/consent.html).
 * - In force: `status=active`, scope `consentscope#patient-privacy` (or, when scope is absent, that code in
 *   `category`), `now` within the root `provision.period`, and not before `dateTime` when the period has no start.
 * - Base rule: the root `provision.type`; R4 says the root carries none, so then `policyRule` OPTIN/OPTINR
 *   (permit) or OPTOUT/OPTOUTE (deny); with neither, only the nested exceptions speak and the jurisdiction
 *   default stands where none matches.
 * - Nested provisions are exceptions, entered only when their parent matched; the deepest matching provision
 *   decides and, at that depth, a deny beats a permit. A nested provision without a type counts as a deny.
 */
import type { Consent, ConsentProvision } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import { isCodeOf, SYSTEMS } from './codings.ts';
import { takesEffect } from './match.ts';
import { consentDate, isWithinPeriod } from './periods.ts';
import { matchProvision, type MatchContext } from './provisions.ts';
import { categoryIdsNamedBy } from './sensitivity.ts';

type RuleType = 'permit' | 'deny';

/** What one consent says about the request; `named` lists the sensitivity categories its permit names. */
export type ConsentVerdict =
  | { kind: 'not-applicable'; consentId: string }
  | { kind: 'permit'; consentId: string; named: string[] }
  | { kind: 'deny'; consentId: string };

interface Hit {
  depth: number;
  type: RuleType;
  named: string[];
}

function readType(value: unknown, what: string): RuleType | undefined {
  if (value === undefined || value === 'permit' || value === 'deny') return value;
  throw new GatewayError('CNS-CONSENT-INVALID', 'unprocessable', `Consent ${what}.type must be permit or deny`);
}

function hasPrivacyScope(consent: Consent, aliases: Record<string, string>): boolean {
  const codings = consent.scope
    ? (consent.scope.coding ?? [])
    : (consent.category ?? []).flatMap((concept) => concept.coding ?? []);
  return codings.some((coding) => isCodeOf(coding, SYSTEMS.consentScope, ['patient-privacy'], aliases));
}

/** True when the consent applies at all at `now` (status, scope, validity window). */
export function isConsentInForce(consent: Consent, now: Date, aliases: Record<string, string>): boolean {
  if (consent.status !== 'active' || !hasPrivacyScope(consent, aliases)) return false;
  const period = consent.provision?.period;
  if (!isWithinPeriod(period, now, 'provision.period')) return false;
  if (period?.start === undefined && consent.dateTime !== undefined) {
    return consentDate(consent.dateTime, 'dateTime').low <= now.getTime();
  }
  return true;
}

function baseType(consent: Consent, aliases: Record<string, string>): RuleType | undefined {
  const own = readType(consent.provision?.type, 'provision');
  if (own) return own;
  const rules = (consent.policyRule?.coding ?? []).filter((c) => c.code !== undefined);
  if (rules.some((c) => isCodeOf(c, SYSTEMS.actCode, ['OPTOUT', 'OPTOUTE'], aliases))) return 'deny';
  if (rules.some((c) => isCodeOf(c, SYSTEMS.actCode, ['OPTIN', 'OPTINR'], aliases))) return 'permit';
  return undefined;
}

function collectHits(
  provision: ConsentProvision,
  type: RuleType | undefined,
  depth: number,
  inherited: string[],
  ctx: MatchContext,
  hits: Hit[],
): void {
  const what = depth === 0 ? 'provision' : `provision (depth ${depth})`;
  if (!takesEffect(matchProvision(provision, ctx, what), type ?? 'deny')) return;
  const named = [...new Set([...inherited, ...categoryIdsNamedBy(provision.securityLabel, ctx.rules)])];
  if (type) hits.push({ depth, type, named });
  for (const child of provision.provision ?? []) {
    collectHits(child, readType(child.type, `nested ${what}`) ?? 'deny', depth + 1, named, ctx, hits);
  }
}

/** Evaluates one consent; `index` names consents without an id (`#index`). */
export function evaluateConsent(consent: Consent, index: number, ctx: MatchContext): ConsentVerdict {
  const consentId = consent.id ?? `#${index}`;
  if (!isConsentInForce(consent, ctx.now, ctx.rules.aliases)) return { kind: 'not-applicable', consentId };
  const hits: Hit[] = [];
  collectHits(consent.provision ?? {}, baseType(consent, ctx.rules.aliases), 0, [], ctx, hits);
  if (hits.length === 0) return { kind: 'not-applicable', consentId };
  const deepest = Math.max(...hits.map((hit) => hit.depth));
  const winners = hits.filter((hit) => hit.depth === deepest);
  if (winners.some((hit) => hit.type === 'deny')) return { kind: 'deny', consentId };
  return { kind: 'permit', consentId, named: [...new Set(winners.flatMap((hit) => hit.named))] };
}
