/**
 * Reading FHIR references for consent matching (https://hl7.org/fhir/R4/references.html): literal
 * (`Organization/x`, absolute, with `_history`), conditional (`Organization?identifier=system|value`),
 * or anything else (`urn:uuid:…`, fragments), which only ever matches itself.
 */

export interface ReferenceIdentifier {
  system?: string;
  value: string;
}

export type ParsedReference =
  | { kind: 'literal'; type: string; id: string; key: string }
  | { kind: 'conditional'; type: string; identifiers: ReferenceIdentifier[] }
  | { kind: 'opaque'; value: string };

const TYPE = /^[A-Z][A-Za-z]+$/;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

function parseIdentifierToken(token: string): ReferenceIdentifier | undefined {
  const pipe = token.indexOf('|');
  if (pipe < 0) return token === '' ? undefined : { value: token };
  const system = token.slice(0, pipe);
  const value = token.slice(pipe + 1);
  if (value === '') return undefined;
  return system === '' ? { value } : { system, value };
}

function parseConditional(type: string, query: string): ParsedReference {
  const identifiers: ReferenceIdentifier[] = [];
  for (const pair of new URLSearchParams(query)) {
    if (pair[0] !== 'identifier') continue;
    for (const token of pair[1].split(',')) {
      const identifier = parseIdentifierToken(token.trim());
      if (identifier) identifiers.push(identifier);
    }
  }
  return { kind: 'conditional', type, identifiers };
}

/** Parses a reference string; a base URL and a `/_history/n` suffix are dropped from literal references. */
export function parseReference(reference: string): ParsedReference {
  const value = reference.trim();
  const question = value.indexOf('?');
  if (question > 0) {
    const type = value.slice(0, question).split('/').pop() ?? '';
    if (TYPE.test(type)) return parseConditional(type, value.slice(question + 1));
    return { kind: 'opaque', value };
  }
  const segments = value.split('/').filter((s) => s !== '');
  const history = segments.lastIndexOf('_history');
  const core = history >= 2 ? segments.slice(0, history) : segments;
  const type = core[core.length - 2];
  const id = core[core.length - 1];
  if (type !== undefined && id !== undefined && TYPE.test(type) && ID.test(id)) {
    return { kind: 'literal', type, id, key: `${type}/${id}` };
  }
  return { kind: 'opaque', value };
}

/** `Type/id` for a literal reference, or the trimmed string itself for anything else. */
export function referenceKey(reference: string): string {
  const parsed = parseReference(reference);
  if (parsed.kind === 'literal') return parsed.key;
  return reference.trim();
}
