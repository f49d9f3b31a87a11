/**
 * `Consent.provision.actor` against the requester (DOMAIN.md §6; R4 consent.html, provision.actor).
 * An actor matches by reference (organisation, care team, practitioner) or by identifier (the actor's
 * `reference.identifier`, or a conditional `Organization?identifier=system|value`) against any of the
 * requester organisation's identifiers. `role` is informational. An identifier given without a system is
 * ambiguous: 'unknown', which lets a deny apply but never a permit.
 */
import type { ConsentProvisionActor, Identifier } from 'fhir/r4.js';
import { parseReference, referenceKey, type ReferenceIdentifier } from './references.ts';
import type { Requester } from './types.ts';
import type { Match } from './match.ts';
import { anyMatch } from './match.ts';

type OrgIdentifiers = Requester['organization']['identifiers'];

function matchIdentifier(wanted: ReferenceIdentifier, identifiers: OrgIdentifiers): Match {
  const sameValue = identifiers.filter((id) => id.value !== undefined && id.value.trim() === wanted.value.trim());
  if (sameValue.length === 0) return 'no';
  if (wanted.system === undefined) return 'unknown';
  return sameValue.some((id) => id.system !== undefined && id.system.trim() === wanted.system?.trim()) ? 'yes' : 'no';
}

function fromIdentifier(identifier: Identifier): ReferenceIdentifier | undefined {
  if (identifier.value === undefined || identifier.value.trim() === '') return undefined;
  return identifier.system === undefined ? { value: identifier.value } : { system: identifier.system, value: identifier.value };
}

// A request decides hundreds of resources against one requester: its keys are worked out once.
const keysByRequester = new WeakMap<Requester, Set<string>>();

function requesterKeys(requester: Requester): Set<string> {
  let keys = keysByRequester.get(requester);
  if (!keys) {
    const refs = [requester.organization.reference, ...(requester.careTeams ?? []), requester.practitioner ?? ''];
    keys = new Set(refs.filter((ref) => ref.trim() !== '').map(referenceKey));
    keysByRequester.set(requester, keys);
  }
  return keys;
}

/** Does this one actor designate the requester? */
export function matchActor(actor: ConsentProvisionActor, requester: Requester): Match {
  const orgIds = requester.organization.identifiers;
  const literal = actor.reference.reference;
  if (literal !== undefined && literal.trim() !== '') {
    const parsed = parseReference(literal);
    if (parsed.kind === 'conditional') {
      if (parsed.type !== 'Organization') return 'unknown';
      return anyMatch(parsed.identifiers.map((id) => matchIdentifier(id, orgIds)));
    }
    return requesterKeys(requester).has(referenceKey(literal)) ? 'yes' : 'no';
  }
  const identifier = actor.reference.identifier ? fromIdentifier(actor.reference.identifier) : undefined;
  if (identifier === undefined) return 'unknown';
  const type = actor.reference.type;
  if (type !== undefined && !type.endsWith('Organization')) return 'unknown';
  return matchIdentifier(identifier, orgIds);
}

/** A provision's actors are alternatives: it applies when any of them designates the requester. */
export function matchActors(actors: readonly ConsentProvisionActor[], requester: Requester): Match {
  return anyMatch(actors.map((actor) => matchActor(actor, requester)));
}
