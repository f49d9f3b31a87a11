/**
 * Checks for national patient identifiers, so that a mistyped number is kept but never used to link records:
 * - NHS number (NHS Data Dictionary, "NHS Number"): 10 digits, the 10th a modulus-11 check digit with weights
 *   10..2 over the first nine; a check value of 10 means the number is invalid, 11 means 0.
 * - US Medicare Beneficiary Identifier (CMS "MBI format specifications"): 11 characters, positions
 *   1 digit 1-9, 2/5/8/9 letter, 3/6 letter or digit, 4/7/10/11 digit; letters exclude S, L, O, I, B, Z.
 */

/** NHS number without the spaces or hyphens it is often written with (`943 476 5919`). */
export function normalizeNhsNumber(value: string): string {
  return value.replace(/[\s-]/g, '');
}

/** True when `value` (normalized) is 10 digits with a valid modulus-11 check digit. */
export function isValidNhsNumber(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i += 1) sum += Number(value.charAt(i)) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(value.charAt(9));
}

/** MBI in upper case, without the dashes used when it is printed (`1EG4-TE5-MK73`). */
export function normalizeMbi(value: string): string {
  return value.replace(/[\s-]/g, '').toUpperCase();
}

const MBI_LETTER = 'ACDEFGHJKMNPQRTUVWXY';
const MBI_PATTERN = ['N1', 'A', 'AN', 'N', 'A', 'AN', 'N', 'A', 'A', 'N', 'N'] as const;

function fits(char: string, kind: (typeof MBI_PATTERN)[number]): boolean {
  const digit = char >= '0' && char <= '9';
  const letter = char.length === 1 && MBI_LETTER.includes(char);
  if (kind === 'N1') return digit && char !== '0';
  if (kind === 'N') return digit;
  if (kind === 'A') return letter;
  return digit || letter;
}

/** True when `value` (normalized) has the MBI format. */
export function isValidMbi(value: string): boolean {
  if (value.length !== MBI_PATTERN.length) return false;
  return MBI_PATTERN.every((kind, i) => fits(value.charAt(i), kind));
}
