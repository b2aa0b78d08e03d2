/** TypeBox building blocks shared by the domains' request schemas. */
import { Type, type StringOptions } from '@sinclair/typebox';

/**
 * Free text that Postgres can store. A `text` value cannot hold the NUL character (U+0000): a
 * request carrying one failed in the database as a 500; with this pattern it is a 400 at
 * validation, before any query. Other characters, whatever the script, are the caller's text.
 */
export const Text = (options: StringOptions = {}) => Type.String({ ...options, pattern: '^[^\\u0000]*$' });
