/**
 * Delimiters of one HL7 v2 message and the warnings the parser records while reading it.
 * HL7 v2.5.1 ch. 2 §2.5.4 (message delimiters) and §2.5.5.2 (MSH-1, MSH-2); v2.7 ch. 2 §2.5.4 adds the
 * fifth encoding character (truncation, default `#`).
 */
import { GatewayError } from '../../shared/errors.ts';

/** The separators of a message as declared by its own MSH-1 and MSH-2 (never assumed to be `|^~\&`). */
export interface Hl7Encoding {
  readonly field: string;
  readonly component: string;
  readonly repetition: string;
  readonly escape: string;
  readonly subComponent: string;
  /** v2.7+ truncation character, present only when MSH-2 has five characters. */
  readonly truncation: string | undefined;
}

/** The delimiters recommended by HL7 v2 ch. 2 §2.5.4, used for messages we build without an original. */
export const DEFAULT_ENCODING: Hl7Encoding = {
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subComponent: '&',
  truncation: undefined,
};

/** Something the parser tolerated; never contains patient data (only codes and element positions). */
export interface Hl7Warning {
  readonly code: string;
  readonly message: string;
  /** Element position such as `PID-5.1`, when known. */
  readonly location?: string;
}

/** Warnings kept per message; later ones are dropped so a hostile message cannot grow memory. */
export const MAX_WARNINGS = 100;

/** Appends a warning unless the list is already full. */
export function addWarning(list: Hl7Warning[], warning: Hl7Warning): void {
  if (list.length < MAX_WARNINGS) list.push(warning);
}

/** What escape decoding needs: the delimiters, the charset for `\Xhh\` bytes, and where to warn. */
export interface DecodeContext {
  readonly encoding: Hl7Encoding;
  readonly hexCharset: 'utf-8' | 'latin1';
  readonly warnings: Hl7Warning[];
}

/** The encoding characters as they appear in MSH-2 (four, or five with the truncation character). */
export function formatEncodingCharacters(encoding: Hl7Encoding): string {
  return encoding.component + encoding.repetition + encoding.escape + encoding.subComponent + (encoding.truncation ?? '');
}

/** True for a printable, non-alphanumeric ASCII character: the only kind HL7 allows as a delimiter. */
function isDelimiter(code: number): boolean {
  if (code < 0x21 || code > 0x7e) return false;
  const isDigit = code >= 0x30 && code <= 0x39;
  const isLetter = (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
  return !isDigit && !isLetter;
}

function invalid(code: string, message: string): GatewayError {
  return new GatewayError(code, 'invalid', message);
}

/**
 * Reads MSH-1 and MSH-2 (or FHS/BHS-1 and -2) of the header segment starting at `start`.
 * The field separator is the fourth character; MSH-2 runs to the next field separator or line end.
 * One repair is made: `^~\\&` (the escape character doubled, as left by copying a string literal) is
 * read as `^~\&`, with a warning; a doubled escape can never be a valid truncation character.
 * @throws GatewayError `ING-HL7-MSH-TOO-SHORT` or `ING-HL7-ENCODING-CHARACTERS` (category `invalid`)
 */
export function readEncoding(text: string, start: number, warnings?: Hl7Warning[]): Hl7Encoding {
  if (text.length < start + 8) throw invalid('ING-HL7-MSH-TOO-SHORT', 'The MSH segment is too short to hold MSH-1 and MSH-2');
  const field = text.charAt(start + 3);
  let end = start + 4;
  while (end < text.length) {
    const ch = text.charAt(end);
    if (ch === field || ch === '\r' || ch === '\n') break;
    end += 1;
  }
  let chars = text.slice(start + 4, end);
  if (chars.length === 5 && chars.charAt(2) === chars.charAt(3)) {
    chars = chars.slice(0, 3) + chars.charAt(4);
    if (warnings) addWarning(warnings, { code: 'HL7-ENCODING-DOUBLED-ESCAPE', message: 'MSH-2 repeats the escape character; read as four encoding characters', location: 'MSH-2' });
  }
  const all = field + chars;
  let bad = chars.length !== 4 && chars.length !== 5;
  for (let i = 0; i < all.length && !bad; i += 1) {
    if (!isDelimiter(all.charCodeAt(i)) || all.indexOf(all.charAt(i)) !== i) bad = true;
  }
  if (bad) throw invalid('ING-HL7-ENCODING-CHARACTERS', 'MSH-1/MSH-2 do not hold valid, distinct encoding characters');
  return {
    field,
    component: chars.charAt(0),
    repetition: chars.charAt(1),
    escape: chars.charAt(2),
    subComponent: chars.charAt(3),
    truncation: chars.length === 5 ? chars.charAt(4) : undefined,
  };
}
