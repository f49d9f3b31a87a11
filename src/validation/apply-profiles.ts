/**
 * Runs our profiles over a resource and the resources inside it: the top-level resource gets the profiles
 * the caller requested plus those in its `meta.profile`; each Bundle entry's resource (nested Bundles too)
 * gets those in its own `meta.profile`. Canonicals in `meta.profile` that this server does not know are
 * ignored, as base FHIR allows; an unknown *requested* profile is an error.
 * https://hl7.org/fhir/R4/resource-operation-validate.html (profile parameter)
 */
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { isRecord } from '../shared/json.ts';
import { issue } from '../shared/outcome.ts';
import { convertAjvErrors } from './ajv-issues.ts';
import { type PathSegment, formatExpression } from './issue-paths.ts';
import { type ProfileSet, describeProfileRule, readClaimedProfiles } from './profiles.ts';

const SHOWABLE_CANONICAL = /^https?:\/\/[\x21-\x7e]{1,200}$/;

/** Issues of every applicable profile, for `resource` and the Bundle entries inside it. */
export function applyProfiles(resource: Record<string, unknown>, root: string, profiles: ProfileSet, requested: readonly string[]): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  for (const canonical of requested) {
    if (profiles.find(canonical)) continue;
    const shown = SHOWABLE_CANONICAL.test(canonical) ? ` (${canonical})` : '';
    issues.push(issue('error', 'not-supported', `The requested profile is not known to this server${shown}`));
  }
  const visit = (target: Record<string, unknown>, prefix: PathSegment[], canonicals: readonly string[]): void => {
    issues.push(...checkResource(target, root, prefix, profiles, canonicals));
    if (target.resourceType !== 'Bundle' || !Array.isArray(target.entry)) return;
    target.entry.forEach((entry: unknown, index) => {
      if (!isRecord(entry) || !isRecord(entry.resource)) return;
      visit(entry.resource, [...prefix, 'entry', index, 'resource'], []);
    });
  };
  visit(resource, [], requested);
  return issues;
}

function checkResource(
  resource: Record<string, unknown>,
  root: string,
  prefix: PathSegment[],
  profiles: ProfileSet,
  extra: readonly string[],
): OperationOutcomeIssue[] {
  const claimed = readClaimedProfiles(resource);
  if (claimed.length === 0 && extra.length === 0) return [];
  const issues: OperationOutcomeIssue[] = [];
  const canonicals = new Set([...extra, ...claimed].map((canonical) => canonical.split('|')[0] ?? canonical));
  for (const canonical of canonicals) {
    const profile = profiles.find(canonical);
    if (!profile) continue;
    if (resource.resourceType !== profile.type) {
      const diagnostics = `${profile.name}: this profile constrains ${profile.type}, not this resource type`;
      issues.push(issue('error', 'invalid', diagnostics, [formatExpression(root, prefix)]));
      continue;
    }
    if (profile.validate(resource)) continue;
    const context = { data: resource, root, prefix, label: profile.name, describeRule: describeProfileRule };
    // A failed `contains` also keeps each item's own failures; the `contains` error itself says it all.
    const errors = (profile.validate.errors ?? []).filter((error) => !error.schemaPath.includes('/contains/'));
    issues.push(...convertAjvErrors(errors, context));
  }
  return issues;
}
