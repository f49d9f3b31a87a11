/**
 * Escape sequences in HL7 v2 text (HL7 v2.5.1 ch. 2 §2.7 "Use of escape sequences in text fields",
 * §2.7.1 delimiter escapes, §2.7.2 highlighting, §2.7.5 hexadecimal, §2.7.6 formatted text (FT) commands).
 * Decoding never throws: anything it cannot interpret is kept literally and recorded as a warning.
 */
import { addWarning, type DecodeContext, type Hl7Encoding } from './encoding.ts';

/** Repeated output from `.sp n` / `.sk n` is capped so a tiny escape cannot expand into megabytes. */
const MAX_REPEAT = 100;

function warn(ctx: DecodeContext, code: string, message: string, location: string | undefined): void {
  addWarning(ctx.warnings, location === undefined ? { code, message } : { code, message, location });
}

function isHex(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
    if (!ok) return false;
  }
  return true;
}

/** `\Xhhhh\`: bytes in the message's own character set (§2.7.5). */
function decodeHex(digits: string, ctx: DecodeContext): string | undefined {
  if (digits.length % 2 !== 0 || !isHex(digits)) return undefined;
  const bytes = Buffer.from(digits, 'hex');
  return bytes.toString(ctx.hexCharset === 'latin1' ? 'latin1' : 'utf8');
}

/** Parses the count of `.sp n` / `.sk n`; a missing count means 1. */
function readCount(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return 1;
  const n = Number(trimmed);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, MAX_REPEAT) : undefined;
}

/** FT formatting commands (§2.7.6): line breaks become `\n`, layout-only commands are dropped. */
function decodeFormatting(command: string): string | undefined {
  const name = command.slice(0, 3);
  const rest = command.slice(3);
  switch (name) {
    case '.br':
      return rest === '' ? '\n' : undefined;
    case '.sp': {
      const n = readCount(rest);
      return n === undefined ? undefined : '\n'.repeat(Math.max(n, 1));
    }
    case '.sk': {
      const n = readCount(rest);
      return n === undefined ? undefined : ' '.repeat(n);
    }
    case '.fi':
    case '.nf':
    case '.ce':
      return rest === '' ? '' : undefined;
    case '.in':
    case '.ti':
      return '';
    default:
      return undefined;
  }
}

function translate(seq: string, ctx: DecodeContext, location: string | undefined): string | undefined {
  const enc = ctx.encoding;
  switch (seq) {
    case 'F':
      return enc.field;
    case 'S':
      return enc.component;
    case 'T':
      return enc.subComponent;
    case 'R':
      return enc.repetition;
    case 'E':
      return enc.escape;
    case 'P':
      return enc.truncation;
    case 'H':
    case 'N':
      return '';
    default:
      break;
  }
  const head = seq.charAt(0);
  if (head === 'X') return decodeHex(seq.slice(1), ctx);
  if (head === '.') return decodeFormatting(seq);
  if ((head === 'C' && seq.length === 5) || (head === 'M' && seq.length === 7)) {
    if (!isHex(seq.slice(1))) return undefined;
    warn(ctx, 'HL7-ESCAPE-CHARSET', 'Character set switching escape is not supported and was dropped', location);
    return '';
  }
  return undefined;
}

/**
 * Decodes the escape sequences of one leaf value using the message's own delimiters.
 * Unknown or malformed sequences are kept as literal text and reported in `ctx.warnings`.
 * @param raw text as it appears in the message (already split at delimiters)
 * @param location element position for warnings, e.g. `OBX-5`
 */
export function decodeEscapes(raw: string, ctx: DecodeContext, location?: string): string {
  const esc = ctx.encoding.escape;
  let open = raw.indexOf(esc);
  if (open === -1) return raw;
  let out = '';
  let last = 0;
  while (open !== -1) {
    const close = raw.indexOf(esc, open + 1);
    if (close === -1) {
      warn(ctx, 'HL7-ESCAPE-UNTERMINATED', 'Escape character without a closing one kept as literal text', location);
      break;
    }
    const replacement = translate(raw.slice(open + 1, close), ctx, location);
    if (replacement === undefined) {
      warn(ctx, 'HL7-ESCAPE-UNKNOWN', 'Unknown escape sequence kept as literal text', location);
      out += raw.slice(last, close + 1);
    } else {
      out += raw.slice(last, open) + replacement;
    }
    last = close + 1;
    open = raw.indexOf(esc, last);
  }
  return out + raw.slice(last);
}

/**
 * Escapes text for inclusion in a message with the given delimiters (§2.7.1): delimiters become
 * `\F\ \S\ \T\ \R\ \E\` (`\P\` for the v2.7 truncation character) and CR/LF become `\X0D\`/`\X0A\`.
 */
export function encodeEscapes(text: string, encoding: Hl7Encoding): string {
  const map = new Map<string, string>([
    [encoding.escape, 'E'],
    [encoding.field, 'F'],
    [encoding.component, 'S'],
    [encoding.subComponent, 'T'],
    [encoding.repetition, 'R'],
    ['\r', 'X0D'],
    ['\n', 'X0A'],
  ]);
  if (encoding.truncation !== undefined) map.set(encoding.truncation, 'P');
  let out = '';
  for (const ch of text) {
    const code = map.get(ch);
    out += code === undefined ? ch : encoding.escape + code + encoding.escape;
  }
  return out;
}
