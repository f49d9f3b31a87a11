/** Reading FHIR references: relative `Type/id`, versioned, absolute on our own base, or external. */
export interface LocalReference {
  type: string;
  id: string;
  version?: string;
}

export interface ParsedReference {
  local?: LocalReference;
}

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([A-Za-z0-9\-.]{1,64}))?$/;

/** A copy of `resource` with every reference equal to a key of `moves` (`Type/id`) pointing at its value. */
export function moveReferences<T>(resource: T, moves: ReadonlyMap<string, string>): T {
  let json = JSON.stringify(resource);
  for (const [from, to] of moves) json = json.replaceAll(`"${from}"`, `"${to}"`);
  return JSON.parse(json) as T;
}

/** https://hl7.org/fhir/R4/references.html#literal */
export function parseReference(reference: string, baseUrl: string): ParsedReference {
  let relative = reference;
  const fhirBase = `${baseUrl}/fhir/`;
  if (reference.startsWith(fhirBase)) relative = reference.slice(fhirBase.length);
  const match = RELATIVE.exec(relative);
  if (!match) return {};
  const local: LocalReference = { type: match[1] as string, id: match[2] as string };
  if (match[3]) local.version = match[3];
  return { local };
}
