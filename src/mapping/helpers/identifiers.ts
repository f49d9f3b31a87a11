/**
 * Identifier helpers: resolving CX / EI / XCN / XON identifiers to FHIR Identifiers with systems (see
 * identifier-system.ts for the rules), and the key recipes of deterministic ids (mappings/hl7v2/README.md,
 * "Resource ids"). HL7 v2.5.1 ch. 2A.14 CX, 2A.28 EI, 2A.89 XCN, 2A.90 XON; ch. 3 PID-3, MRG-1.
 */
import type { Identifier } from 'fhir/r4.js';
import { descend } from '../hl7-node.ts';
import { deterministicId } from '../ids.ts';
import type { ResolvedSource, SourcesFile } from '../sources.ts';
import { derivedSystem, resolveIdentifierSystem, type Authority, type IdentifierKind } from './identifier-system.ts';
import { isObject, stringArg, type Helper, type HelperArgs, type HelperContext } from './context.ts';

export const VERIFICATION_URL = 'https://carebridge.dev/fhir/StructureDefinition/identifier-verification';

const KINDS: readonly IdentifierKind[] = ['mrn', 'visit', 'practitioner', 'org', 'order'];

/** Text at a datatype-relative path (`4.1`) of the node being finished. */
function textAt(ctx: HelperContext, path: string): string {
  if (ctx.node === undefined || path === '') return '';
  return descend(ctx.node, path.split('.').map(Number))?.text() ?? '';
}

function readAuthority(ctx: HelperContext, args: HelperArgs): Authority {
  const hd = stringArg(args, 'authority');
  if (hd !== '') return { namespace: textAt(ctx, `${hd}.1`), universalId: textAt(ctx, `${hd}.2`), universalIdType: textAt(ctx, `${hd}.3`) };
  return {
    namespace: textAt(ctx, stringArg(args, 'namespace')),
    universalId: textAt(ctx, stringArg(args, 'universalId')),
    universalIdType: textAt(ctx, stringArg(args, 'universalIdType')),
  };
}

/** The verification status an identifier carries, if any. */
export function verificationOf(identifier: Identifier): string | undefined {
  return identifier.extension?.find((ext) => ext.url === VERIFICATION_URL)?.valueCode;
}

/**
 * Finishes an Identifier built from CX/EI/XCN/XON: sets `system` (and normalizes national numbers, marking them
 * `verified`/`unverified`). Args: `kind` (mrn | visit | practitioner | org | order), `authority` (path of the HD
 * inside the datatype, e.g. `4` for CX) or `namespace`/`universalId`/`universalIdType` paths, `type` (path of
 * the identifier type code). Returns undefined for an SSN the source does not keep (with a warning).
 */
export function resolveIdentifier(input: unknown, args: HelperArgs, ctx: HelperContext): Identifier | undefined {
  const candidate: unknown = typeof input === 'string' ? { value: input } : input;
  if (!isObject(candidate) || typeof candidate['value'] !== 'string' || candidate['value'] === '') return undefined;
  const identifier = candidate as unknown as Identifier & { value: string };
  const kindArg = stringArg(args, 'kind', 'mrn');
  const kind = KINDS.find((k) => k === kindArg) ?? 'mrn';
  const type = textAt(ctx, stringArg(args, 'type'));
  const resolved = resolveIdentifierSystem({ value: identifier.value, type, authority: readAuthority(ctx, args) }, kind, ctx.source, ctx.sources);
  if (resolved.drop === true) {
    ctx.warn(`${ctx.location}: a ${resolved.scheme ?? 'national'} identifier was not kept (privacy; set keepSsn for the source to keep it)`);
    return undefined;
  }
  if (resolved.verification === 'unverified') ctx.warn(`${ctx.location}: ${resolved.scheme ?? 'national'} identifier fails its check; kept as unverified`);
  const out: Identifier = {};
  if (resolved.verification !== undefined) out.extension = [{ url: VERIFICATION_URL, valueCode: resolved.verification }];
  return { ...out, ...identifier, system: resolved.system, value: resolved.value };
}

function nationalSystems(file: SourcesFile): Set<string> {
  return new Set(file.national.map((scheme) => scheme.system));
}

/** The systems of the sending facility's own MRNs. */
export function facilityMrnSystems(source: ResolvedSource, file: SourcesFile): Set<string> {
  const own = new Set([derivedSystem(file.defaults.bases, 'mrn', source.facility), ...Object.values(source.config.authorities ?? {})]);
  if (source.config.mrnSystem !== undefined) own.add(source.config.mrnSystem);
  return own;
}

/**
 * The key of a Patient id (README "Resource ids"): the first identifier from the facility's own MRN systems;
 * else the first typed MR; else the first local (non-national) identifier; these give [system, value]. Else the
 * first verified national number, scoped to the facility: [facility, system, value] (linking across sources is
 * the matcher's job). Unverified numbers are never used. Undefined when nothing qualifies.
 */
export function selectPatientKey(identifiers: readonly Identifier[], source: ResolvedSource, file: SourcesFile): string[] | undefined {
  const national = nationalSystems(file);
  const usable = identifiers.filter((id): id is Identifier & { system: string; value: string } => id.system !== undefined && id.value !== undefined);
  const local = usable.filter((id) => !national.has(id.system));
  const own = facilityMrnSystems(source, file);
  const pick =
    local.find((id) => own.has(id.system)) ?? local.find((id) => id.type?.coding?.some((c) => c.code === 'MR')) ?? local[0];
  if (pick !== undefined) return [pick.system, pick.value];
  const verified = usable.find((id) => national.has(id.system) && verificationOf(id) !== 'unverified');
  return verified === undefined ? undefined : [source.facility, verified.system, verified.value];
}

function identifiersOf(input: unknown): Identifier[] {
  if (Array.isArray(input)) return input.filter(isObject) as Identifier[];
  if (isObject(input) && Array.isArray(input['identifier'])) return input['identifier'].filter(isObject) as Identifier[];
  return isObject(input) ? [input as Identifier] : [];
}

/** The first identifier's [system, value], else the name (family, given / text) scoped to the source. */
export function identifierOrNameKey(input: unknown, source: ResolvedSource): string[] | undefined {
  const id = identifiersOf(input).find((item) => item.system !== undefined && item.value !== undefined);
  if (id !== undefined) return [id.system ?? '', id.value ?? ''];
  if (!isObject(input)) return undefined;
  const name = input['name'];
  if (typeof name === 'string' && name !== '') return [source.facility, 'name', name];
  const first = Array.isArray(name) && isObject(name[0]) ? name[0] : undefined;
  if (first === undefined) return undefined;
  const given = Array.isArray(first['given']) ? first['given'].join(' ') : '';
  return [source.facility, 'name', String(first['family'] ?? ''), given];
}

/**
 * HD (hierarchic designator, ch. 2A.36) → Identifier of the organisation it names: an ISO OID universal id
 * becomes `urn:ietf:rfc:3986` + `urn:oid:…`, a UUID `urn:uuid:…`, a DNS name `https://…`; a namespace id alone
 * goes under the org base of sources.yaml.
 */
export function hdIdentifier(namespace: string, universalId: string, type: string, file: SourcesFile): Identifier | undefined {
  const kind = type.toUpperCase();
  if (universalId !== '' && (kind === 'ISO' || /^[0-2](\.\d+)+$/.test(universalId))) return { system: 'urn:ietf:rfc:3986', value: `urn:oid:${universalId}` };
  if (universalId !== '' && kind === 'UUID') return { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${universalId.toLowerCase()}` };
  if (universalId !== '' && kind === 'DNS') return { system: 'urn:ietf:rfc:3986', value: `https://${universalId}` };
  if (namespace !== '') return { system: derivedSystem(file.defaults.bases, 'org', 'hd'), value: namespace };
  return undefined;
}

export const IDENTIFIER_HELPERS: Readonly<Record<string, Helper>> = {
  resolveIdentifier: { takes: 'value', apply: (input, args, ctx) => resolveIdentifier(input, args, ctx) },
  patientKey: {
    takes: 'value',
    apply: (input, _args, ctx) => selectPatientKey(identifiersOf(input), ctx.source, ctx.sources),
  },
  hdIdentifier: {
    takes: 'value',
    apply: (_input, _args, ctx) => (ctx.node === undefined ? undefined : hdIdentifier(textAt(ctx, '1'), textAt(ctx, '2'), textAt(ctx, '3'), ctx.sources)),
  },
  identifierOrNameKey: { takes: 'value', apply: (input, _args, ctx) => identifierOrNameKey(input, ctx.source) },
  /** MRG-1 identifiers → Patient.link `replaces` the merged record (its deterministic id and identifier). */
  replacedPatientLink: {
    takes: 'value',
    apply(input, args, ctx) {
      const key = selectPatientKey(identifiersOf(input), ctx.source, ctx.sources);
      if (key === undefined) return undefined;
      const prefix = stringArg(args, 'prefix', 'pat');
      const identifier = identifiersOf(input).find((id) => id.system === key[key.length - 2] && id.value === key[key.length - 1]);
      return { other: { reference: `Patient/${deterministicId(prefix, key)}`, identifier: identifier === undefined ? undefined : { system: identifier.system, value: identifier.value } }, type: 'replaces' };
    },
  },
};
