/**
 * XTN (extended telecommunication number, HL7 v2.5.1 ch. 2A.88) → ContactPoint value: XTN-4 for e-mail
 * (equipment type `Internet`/`X.400` or use `NET`), else XTN-1, else the number composed from XTN-5 country,
 * XTN-6 area, XTN-7 local number and XTN-8 extension (v2-to-FHIR IG XTN mapping). XTN-3 `CP` makes the use
 * `mobile`. The ContactPoint's system and use come from the rules of XTN.contact-point.yaml.
 */
import type { ContactPoint } from 'fhir/r4.js';
import type { Hl7Node } from '../hl7-node.ts';
import { isObject, type Helper } from './context.ts';

function part(node: Hl7Node, n: number): string {
  return node.child(n)?.text() ?? '';
}

/** The ContactPoint for one XTN repetition, given what the rules already mapped; undefined without a value. */
export function finishContactPoint(mapped: ContactPoint, node: Hl7Node): ContactPoint | undefined {
  const use = part(node, 2).toUpperCase();
  const equipment = part(node, 3).toUpperCase();
  const email = part(node, 4);
  const isEmail = equipment === 'INTERNET' || equipment === 'X.400' || use === 'NET';
  const out: ContactPoint = { ...mapped };
  if (isEmail && email !== '') {
    out.system = 'email';
    out.value = email;
    return out;
  }
  const country = part(node, 5);
  const local = [part(node, 6), part(node, 7)].filter((p) => p !== '').join(' ');
  const extension = part(node, 8);
  let value = part(node, 1);
  if (value === '' && local !== '') value = `${country === '' ? '' : `+${country} `}${local}${extension === '' ? '' : ` ext. ${extension}`}`;
  if (value === '') value = email;
  if (value === '') return undefined;
  out.value = value;
  if (out.system === undefined) out.system = value === email ? 'email' : 'phone';
  if (equipment === 'CP') out.use = 'mobile';
  return out;
}

export const CONTACT_POINT_HELPERS: Readonly<Record<string, Helper>> = {
  finishContactPoint: {
    takes: 'value',
    apply: (input, _args, ctx) => (isObject(input) && ctx.node !== undefined ? finishContactPoint(input as ContactPoint, ctx.node) : undefined),
  },
};
