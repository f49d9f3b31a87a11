/** Migration 008 moves each subscription's event counter to notify_counter without losing a number. */
import { describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../src/store/migrate.ts';
import { enginesUnderTest, openTestDatabase } from '../support/databases.ts';

describe.each(enginesUnderTest())('notify counter migration on %s', (engine) => {
  it('carries every event count over to notify_counter', async () => {
    const database = await openTestDatabase(engine, { migrate: false });
    try {
      const migrations = listMigrations();
      await migrate(database.db, migrations.filter((m) => m.version < 8));
      for (const [id, count] of [['sub-a', 0], ['sub-b', 41]] as const) {
        await database.db.query(
          `insert into notify_subscription (id, owner_client, purpose, topic, status, channel, endpoint, endpoint_origin, content, mime, filters, timeout_ms, created_at, event_count)
           values ($1, 'c', 'TREAT', 'http://t', 'active', 'rest-hook', 'https://x.example/hook', 'https://x.example', 'id-only', 'application/fhir+json', '[]'::jsonb, 5000, now(), $2)`,
          [id, count],
        );
      }
      await migrate(database.db, migrations);
      const counters = await database.db.query<{ subscription_id: string; event_count: number }>('select subscription_id, event_count from notify_counter order by subscription_id');
      expect(counters).toEqual([{ subscription_id: 'sub-a', event_count: 0 }, { subscription_id: 'sub-b', event_count: 41 }]);
      const columns = await database.db.query("select 1 from information_schema.columns where table_name = 'notify_subscription' and column_name = 'event_count'");
      expect(columns).toHaveLength(0);
    } finally {
      await database.dispose();
    }
  });
});
