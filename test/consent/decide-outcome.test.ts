/** The shape of a decision: which consents it names, and a reason free of patient data. */
import { describe, expect, it } from 'vitest';
import { ACO_A, consent, decide, denyAll, permitAll, RES } from './consent-fixtures.ts';

describe('decideAccess names the deciding consents', () => {
  it('lists every denying consent and only those', () => {
    const allow = permitAll();
    const refuse = denyAll();
    const decision = decide([allow, refuse, denyAll()], ACO_A, RES.plain);
    expect(decision.consentIds).toEqual([refuse.id, expect.any(String)]);
    expect(decision.consentIds).not.toContain(allow.id);
  });

  it('lists the permitting consents, and none under a default', () => {
    const allow = permitAll();
    expect(decide([allow, consent({ type: 'deny' }, { status: 'inactive' })], ACO_A, RES.plain).consentIds).toEqual([allow.id]);
    expect(decide([], ACO_A, RES.plain, { defaultPolicy: 'opt-out' }).consentIds).toEqual([]);
  });

  it('names a consent without an id by its position', () => {
    const anonymous = permitAll();
    delete anonymous.id;
    expect(decide([denyAll(), anonymous], ACO_A, RES.plain).consentIds).toHaveLength(1);
    expect(decide([anonymous], ACO_A, RES.plain).consentIds).toEqual(['#0']);
  });

  it('gives a reason without patient data', () => {
    const decision = decide([denyAll()], ACO_A, RES.psy);
    expect(decision.reason).not.toMatch(/psy-1|F32|Patient\//);
  });
});
