/** TypeBox building blocks shared by the domains' request schemas. */
import { Type, type StringOptions } from '@sinclair/typebox';

/**
 * Free text that Postgres can store. A `text` value cannot hold the NUL character (U+0000), and a
 * `jsonb` value cannot hold half of a UTF-16 surrogate pair (JSON `"\udfff"` alone, which
 * `JSON.parse` accepts): a request carrying either failed in the database as a 500; with this
 * pattern it is a 400 at validation, before any query. Patterns run with the `u` flag, under which
 * `[\ud800-\udfff]` matches only unpaired halves, so emoji and every script pass.
 * Other characters are the caller's text.
 */
export const Text = (options: StringOptions = {}) => Type.String({ ...options, pattern: '^[^\\u0000\\ud800-\\udfff]*$' });

/** One line of printable text: as `Text`, and no control characters either (a name, a label). */
export const Line = (options: StringOptions = {}) => Type.String({ ...options, pattern: '^[^\\u0000-\\u001f\\u007f\\ud800-\\udfff]*$' });
