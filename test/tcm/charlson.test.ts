import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/shared/errors.ts';
import { loadCharlsonMap, scoreCharlson, validateCharlsonMap } from '../../src/tcm/charlson.ts';

const map = loadCharlsonMap();

describe('the shipped Charlson map (Quan 2005, original weights)', () => {
  it('has the 17 categories with the Charlson 1987 weights', () => {
    expect(map.categories.map((c) => [c.id, c.weight])).toEqual([
      ['myocardial-infarction', 1],
      ['congestive-heart-failure', 1],
      ['peripheral-vascular-disease', 1],
      ['cerebrovascular-disease', 1],
      ['dementia', 1],
      ['chronic-pulmonary-disease', 1],
      ['rheumatic-disease', 1],
      ['peptic-ulcer-disease', 1],
      ['mild-liver-disease', 1],
      ['diabetes-without-chronic-complication', 1],
      ['diabetes-with-chronic-complication', 2],
      ['hemiplegia-or-paraplegia', 2],
      ['renal-disease', 2],
      ['malignancy', 2],
      ['moderate-or-severe-liver-disease', 3],
      ['metastatic-solid-tumour', 6],
      ['aids-hiv', 6],
    ]);
  });
});

describe('scoreCharlson: one code per category', () => {
  it.each([
    ['I21.4', 'myocardial-infarction', 1],
    ['I25.2', 'myocardial-infarction', 1],
    ['I50.9', 'congestive-heart-failure', 1],
    ['I42.5', 'congestive-heart-failure', 1],
    ['I42.9', 'congestive-heart-failure', 1],
    ['I70.21', 'peripheral-vascular-disease', 1], // ICD-10-CM detail under I70
    ['I63.9', 'cerebrovascular-disease', 1],
    ['I69.354', 'cerebrovascular-disease', 1],
    ['G45.9', 'cerebrovascular-disease', 1],
    ['F01.50', 'dementia', 1],
    ['G30.1', 'dementia', 1],
    ['J44.1', 'chronic-pulmonary-disease', 1],
    ['J45.909', 'chronic-pulmonary-disease', 1],
    ['M05.79', 'rheumatic-disease', 1],
    ['M32.14', 'rheumatic-disease', 1],
    ['K25.4', 'peptic-ulcer-disease', 1],
    ['K70.30', 'mild-liver-disease', 1],
    ['B18.2', 'mild-liver-disease', 1],
    ['E11.9', 'diabetes-without-chronic-complication', 1],
    ['E11.65', 'diabetes-without-chronic-complication', 1], // ICD-10-CM E11.6x sits in Quan's E11.6
    ['E10.22', 'diabetes-with-chronic-complication', 2],
    ['E14.7', 'diabetes-with-chronic-complication', 2],
    ['G81.90', 'hemiplegia-or-paraplegia', 2],
    ['G83.4', 'hemiplegia-or-paraplegia', 2],
    ['N18.4', 'renal-disease', 2],
    ['Z99.2', 'renal-disease', 2],
    ['N03.2', 'renal-disease', 2],
    ['C34.1', 'malignancy', 2],
    ['C43.9', 'malignancy', 2],
    ['C91.10', 'malignancy', 2],
    ['I85.00', 'moderate-or-severe-liver-disease', 3],
    ['K72.10', 'moderate-or-severe-liver-disease', 3],
    ['C78.00', 'metastatic-solid-tumour', 6],
    ['C80.1', 'metastatic-solid-tumour', 6],
    ['B20', 'aids-hiv', 6],
    ['B24', 'aids-hiv', 6],
  ])('%s → %s (%i)', (code, category, weight) => {
    const result = scoreCharlson([code], map);
    expect(result.score).toBe(weight);
    expect(result.categories.map((c) => c.id)).toEqual([category]);
  });

  it.each([
    ['I42.4', [], 'I42.4 is not in Quan CHF (I42.0, I42.5–I42.9)'],
    ['C44.91', [], 'skin neoplasms other than melanoma are excluded'],
    ['C4A.9', [], 'ICD-10-CM Merkel cell code, not in Quan 2005'],
    ['C7A.00', [], 'ICD-10-CM neuroendocrine code, not in Quan 2005'],
    ['B23.0', [], 'B23 is not in Quan AIDS/HIV'],
    ['Z95.1', [], 'bypass graft status is not PVD'],
    ['J68.0', [], 'only J68.4 is chronic pulmonary'],
    ['R69', [], 'no category'],
    ['E11.5', ['diabetes-with-chronic-complication'], 'peripheral angiopathy is a chronic complication'],
    ['K70.4', ['moderate-or-severe-liver-disease'], 'alcoholic hepatic failure is severe, not mild'],
  ])('boundary: %s → %j (%s)', (code, categories) => {
    expect(scoreCharlson([code], map).categories.map((c) => c.id)).toEqual(categories);
  });
});

describe('scoreCharlson: counting rules', () => {
  it.each([
    [['I21.0', 'I22.1', 'I25.2'], 1, 'one category counted once'],
    [['i50.9', 'I509', ' I50.9 '], 1, 'dots, case and spaces do not matter'],
    [['E11.9', 'E11.22'], 2, 'diabetes: only the complicated (2), not 1 + 2'],
    [['K70.30', 'I85.0'], 3, 'liver: only moderate/severe (3), not 1 + 3'],
    [['C34.1', 'C78.0'], 6, 'cancer: only metastatic (6), not 2 + 6'],
    [['C34.1', 'C91.1'], 2, 'two malignancies are one category'],
    [['I50.9', 'J44.1', 'E11.9', 'N18.4'], 5, '1 + 1 + 1 + 2'],
    [['I21.4', 'I50.9', 'I70.0', 'I63.9', 'F03', 'J44.9', 'M05.9', 'K25.9', 'B18.2', 'E11.9'], 10, 'ten weight-1 categories'],
    [['G81.9', 'N18.5', 'C18.9', 'E10.2'], 8, 'four weight-2 categories'],
    [['C78.0', 'B20', 'I85.9'], 15, '6 + 6 + 3'],
    [[], 0, 'no codes'],
  ])('%j → %i (%s)', (codes, score) => {
    expect(scoreCharlson(codes, map).score).toBe(score);
  });

  it('reports superseded categories and the codes behind each category', () => {
    const result = scoreCharlson(['C34.1', 'C78.0', 'C78.1', 'E11.9'], map);
    expect(result.superseded).toEqual(['malignancy']);
    expect(result.categories).toEqual([
      { id: 'diabetes-without-chronic-complication', name: 'Diabetes without chronic complication', weight: 1, codes: ['E11.9'] },
      { id: 'metastatic-solid-tumour', name: 'Metastatic solid tumour', weight: 6, codes: ['C78.0', 'C78.1'] },
    ]);
  });

  it.each(['', 'I5', '50.9', 'heart failure', '12345'])('rejects %j as an ICD-10 code', (code) => {
    expect(() => scoreCharlson([code], map)).toThrowError(GatewayError);
  });
});

describe('validateCharlsonMap rejects malformed maps', () => {
  const category = { id: 'a', name: 'A', weight: 1, codes: ['I21'] };
  it.each([
    ['no categories', { source: 's' }, /categories/],
    ['no source', { categories: [category] }, /source/],
    ['a weight of 0', { source: 's', categories: [{ ...category, weight: 0 }] }, /weight/],
    ['a bad code', { source: 's', categories: [{ ...category, codes: ['heart'] }] }, /codes\[0\]/],
    ['a reversed range', { source: 's', categories: [{ ...category, codes: ['I69-I60'] }] }, /codes\[0\]/],
    ['a range of unequal lengths', { source: 's', categories: [{ ...category, codes: ['I60-I69.9'] }] }, /codes\[0\]/],
    ['no codes', { source: 's', categories: [{ ...category, codes: [] }] }, /at least one/],
    ['duplicate ids', { source: 's', categories: [category, category] }, /unique/],
    ['an unknown superseded id', { source: 's', categories: [{ ...category, supersedes: ['b'] }] }, /supersedes/],
  ])('%s', (_label, table, message) => {
    expect(() => validateCharlsonMap(table)).toThrowError(message);
  });
});
