import { describe, expect, it } from 'vitest';
import { isValidMbi, isValidNhsNumber, normalizeMbi, normalizeNhsNumber } from '../../src/mapping/helpers/national-ids.ts';

describe('NHS number modulus-11 check', () => {
  it.each([
    ['9434765919', true],
    ['9994848275', true],
    ['9990281777', true],
    ['4010232137', true],
    ['9434765918', false],
    ['1234567890', false], // check value 10: never valid
    ['943476591', false],
    ['94347659190', false],
    ['943476591X', false],
  ])('%s → %s', (value, valid) => {
    expect(isValidNhsNumber(value)).toBe(valid);
  });

  it('accepts the spaced and hyphenated forms once normalized', () => {
    expect(normalizeNhsNumber('943 476 5919')).toBe('9434765919');
    expect(normalizeNhsNumber('943-476-5919')).toBe('9434765919');
    expect(isValidNhsNumber(normalizeNhsNumber('943 476 5919'))).toBe(true);
  });
});

describe('MBI format check', () => {
  it.each([
    ['1EG4TE5MK73', true],
    ['1EG4-TE5-MK73', false],
    ['0EG4TE5MK73', false], // first position 1-9
    ['1SG4TE5MK73', false], // S is excluded
    ['1EG4TE5MK7', false],
    ['1E94TE5MK73', true], // position 3 may be a digit
    ['1EGATE5MK73', false], // position 4 is a digit
  ])('%s → %s', (value, valid) => {
    expect(isValidMbi(value)).toBe(valid);
  });

  it('normalizes dashes and case', () => {
    expect(normalizeMbi('1eg4-te5-mk73')).toBe('1EG4TE5MK73');
    expect(isValidMbi(normalizeMbi('1eg4-te5-mk73'))).toBe(true);
  });
});
