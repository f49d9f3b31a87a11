/** Builds a FhirStore on a fresh test database. */
import { fixedClock } from '../../src/shared/clock.ts';
import type { FhirStore, WriteListener } from '../../src/store/fhir-store.ts';
import { createPgStore } from '../../src/store/pg-store.ts';
import { parseSearch } from '../../src/store/search/parse.ts';
import type { SearchQuery } from '../../src/store/search/query.ts';
import { loadSearchParamRegistry, type SearchParamRegistry } from '../../src/store/search-parameters.ts';
import { type EngineName, type TestDatabase, openTestDatabase } from './databases.ts';

export const TEST_BASE_URL = 'http://gateway.test';
let registry: SearchParamRegistry | undefined;

export function testRegistry(): SearchParamRegistry {
  registry ??= loadSearchParamRegistry();
  return registry;
}

export interface StoreFixture {
  store: FhirStore;
  database: TestDatabase;
  clock: ReturnType<typeof fixedClock>;
  /** Parses a query string (`name=x&_count=2`) for a type into a SearchQuery. */
  query(resourceType: string, queryString: string): SearchQuery;
}

export async function openStore(engine: EngineName, listeners: WriteListener[] = []): Promise<StoreFixture> {
  const database = await openTestDatabase(engine);
  const clock = fixedClock('2025-03-01T10:00:00.000Z');
  const store = createPgStore({ db: database.db, registry: testRegistry(), baseUrl: TEST_BASE_URL, clock, maxIncludes: 1000, listeners });
  return {
    store,
    database,
    clock,
    query: (resourceType, queryString) => {
      const params = [...new URLSearchParams(queryString)] as [string, string][];
      return parseSearch(resourceType, params, testRegistry(), { defaultCount: 20, maxCount: 1000 }).query;
    },
  };
}
