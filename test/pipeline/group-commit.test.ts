/**
 * Group commit with lanes: jobs of one key run one after another in arrival order, in one lane; jobs of other
 * keys run in transactions of their own at the same time; nobody learns an outcome before its commit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroupCommit } from '../../src/pipeline/group-commit.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { type StoreFixture, openStore } from '../support/store.ts';

describe.each(enginesUnderTest())('group commit on %s', (engine) => {
  let fixture: StoreFixture;
  beforeAll(async () => {
    fixture = await openStore(engine);
    await fixture.database.db.exec('create table lane_log (seq serial primary key, key text not null, n int not null, txid bigint not null)');
  });
  afterAll(() => fixture.database.dispose());

  const logged = async () => fixture.database.db.query<{ key: string; n: number; txid: number }>('select key, n, txid from lane_log order by seq');

  it('keeps one key\'s jobs in arrival order and commits before answering', async () => {
    const group = createGroupCommit(fixture.store, { maxBatch: 8, lanes: 4 });
    const answered = await Promise.all(Array.from({ length: 12 }, (_, n) => group.run(async (tx) => {
      await tx.sql.query('insert into lane_log (key, n, txid) values ($1, $2, txid_current())', ['p1', n]);
      return n;
    }, 'p1').then(async (n) => {
      // Answered only once the row is visible to everyone else.
      const rows = await fixture.database.db.query('select 1 from lane_log where key = $1 and n = $2', ['p1', n]);
      return rows.length;
    })));
    expect(answered).toEqual(Array(12).fill(1));
    expect((await logged()).filter((row) => row.key === 'p1').map((row) => row.n)).toEqual([...Array(12).keys()]);
  });

  it.runIf(engine === 'postgres')('runs other keys\' jobs in transactions open at the same time', async () => {
    const group = createGroupCommit(fixture.store, { maxBatch: 8, lanes: 4 });
    let anotherStarted: (txid: number) => void = () => undefined;
    const another = new Promise<number>((resolve) => (anotherStarted = resolve));
    const txidOf = async (tx: Parameters<Parameters<typeof group.run>[0]>[0]) => Number((await tx.sql.query<{ txid: number }>('select txid_current() as txid'))[0]?.txid);
    // The first job holds its transaction open until a job of another key has started: with one lane that
    // could never happen, and the job would give up after five seconds.
    const first = group.run(async (tx) => {
      const own = await txidOf(tx);
      const other = await Promise.race([another, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 5000))]);
      return { own, other };
    }, 'patient:first');
    const others = ['patient:a', 'patient:b', 'patient:c', 'patient:d', 'patient:e'].map((key) => group.run(async (tx) => anotherStarted(await txidOf(tx)), key));
    const { own, other } = await first;
    await Promise.all(others);
    expect(other).toBeDefined();
    expect(other).not.toBe(own);
  });
});
