/**
 * The named helper functions mapping files may call with `fn:` (and `finish:`, `id.fn`). Business rules live
 * here as small pure functions with unit tests (test/mapping/helpers-*.test.ts), never inline in templates
 * (STYLE.md §2, "implicit logic in templates"). The registry checks every name at load.
 */
import { CODING_HELPERS } from './coding.ts';
import { CONTACT_POINT_HELPERS } from './contact-point.ts';
import type { Helper } from './context.ts';
import { IDENTIFIER_HELPERS } from './identifiers.ts';
import { OBSERVATION_HELPERS } from './observation.ts';
import { PRIMITIVE_HELPERS } from './primitives.ts';
import { RESOURCE_HELPERS } from './resources.ts';

export type { Helper, HelperArgs, HelperContext } from './context.ts';

/** Every helper by name. */
export const HELPERS: Readonly<Record<string, Helper>> = {
  ...PRIMITIVE_HELPERS,
  ...CODING_HELPERS,
  ...CONTACT_POINT_HELPERS,
  ...IDENTIFIER_HELPERS,
  ...OBSERVATION_HELPERS,
  ...RESOURCE_HELPERS,
};
