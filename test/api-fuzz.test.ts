/**
 * API fuzz from each route's schema (issue 5): 0 responses with status ≥ 500, 0 stack traces,
 * 0 SQL and 0 filesystem paths in what the server answers, and every 4xx in the shape of the one
 * error handler (server/core/errors.ts): `{ code, message, requestId }`.
 *
 * The routes come from Fastify itself (`app.apiRoutes`, filled by the onRoute hook of
 * server/auth/access.ts), so a route added later is fuzzed without a change here; a route with a
 * path parameter, or a state-changing route, that declares no schema for it fails the test.
 *
 * From each route's TypeBox (JSON Schema) params, querystring and body, fast-check derives
 * requests that are schema-valid (biased towards the seeded regions, ids and codes so that many
 * reach the handler and the databases) and hostile ones: wrong types, huge strings, odd unicode,
 * SQL fragments, path traversal, NUL bytes, `__proto__`/`constructor` keys, numbers out of range,
 * NaN-ish strings, empty values, very long arrays, deeply nested objects, unknown keys, missing
 * keys, bodies that are not JSON. Each is sent as a signed-in city admin, a signed-in district
 * analyst (with the CSRF header on state changes, mostly) or anonymously, each from its own client
 * address so that the rate limits do not turn the fuzz into a test of 429s (a 429 would still be
 * an acceptable 4xx). Free runs mix all of that; focused runs make one input hostile at a time with
 * everything else valid and a signed-in caller, so that the hostile value reaches the handler.
 * A request that logs a fuzzing user out, disables it, resets its password or rotates its session
 * is followed by a fresh sign-in (as a new user): nothing is excluded.
 *
 * What "leak" means: a body is scanned after removing the strings this request sent (a message
 * may quote what the caller gave) and, in a 2xx JSON body, leaving out the values stored by earlier
 * fuzz requests (a comment may be an SQL fragment) and the rule SQL the warnings API shows by
 * design (`sql`, `ruleSql`, evidence `query.sql`). Non-JSON 2xx bodies (Swagger UI's own files,
 * Arrow) are checked for status only. HEAD is left out: the same handler as GET, without a body.
 *
 * The databases: PGlite and, with DATABASE_URL, a Postgres server; DuckDB in a file under a
 * temporary directory, as a deployment has it, so a path the server gives away is visible.
 *
 * Size: RUNS_PER_ROUTE free requests per route plus RUNS_PER_INPUT per input of each route: with
 * 54 routes and 125 inputs, 7 440 requests per target, about a minute per target on a shared
 * 2-core machine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/core/config.ts';
import type { AppContext } from '../server/core/context.ts';
import { openDuck } from '../server/core/duck.ts';
import { migrateDuck } from '../server/core/migrate.ts';
import { DIMENSION_NAMES, MEASURE_NAMES } from '../server/analytics/analytics.queries.ts';
import { authService } from '../server/auth/auth.service.ts';
import { CSRF_HEADER } from '../server/auth/require-auth.ts';
import { TEST_PASSWORD, seedPgRegions, sessionCookie } from '../server/auth/testing.ts';
import { seedAnalytics } from './analytics-seed.ts';
import { pgTargets } from './db.ts';

/** Each run explores new inputs; the seed is printed with the counts, and API_FUZZ_SEED replays it. */
const BASE_SEED = Number(process.env.API_FUZZ_SEED ?? Date.now() % 2 ** 31);
import { insertTestWarning, startTestRun } from './warning-seed.ts';

/** A deeper local run: API_FUZZ_SCALE=8 sends eight times as many requests (CI runs at 1). */
const SCALE = Math.max(1, Math.trunc(Number(process.env.API_FUZZ_SCALE ?? 1)) || 1);
/** Free requests per route and target, in ROUNDS rounds over all routes. */
const RUNS_PER_ROUTE = 110 * SCALE;
const ROUNDS = 2;
/** Focused requests per input (one parameter, query key or body property made hostile) of each route. */
const RUNS_PER_INPUT = 12 * SCALE;
// A harness limit per target (the default 2 minutes is tight for a loaded 2-core machine), not an assertion on speed.
vi.setConfig({ testTimeout: 600_000 * SCALE });

// ── JSON Schema → fast-check ──

interface Schema {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  anyOf?: Schema[];
  allOf?: Schema[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  minProperties?: number;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
}

/** Values of the seeded data, so that schema-valid requests often reach the databases. */
interface Known {
  regions: string[];
  /** Ids of the routes at hand: accounts under /api/auth, warnings elsewhere. */
  ids: string[];
  userIds: string[];
  warningIds: string[];
  usernames: string[];
}

const SQL_FRAGMENTS = [
  "' OR 1=1 --",
  "' OR '1'='1",
  '1; DROP TABLE warning; --',
  ';DROP TABLE audit_event',
  "'); DELETE FROM app_user; --",
  '" OR ""="',
  "1' UNION SELECT username, password_hash FROM app_user --",
  "$1'; SELECT pg_sleep(0); --",
  "' AND extractvalue(1, concat(0x7e, version())) --",
  '990102) OR (1=1',
  "year:2026' OR 1=1 --",
  "department:101001';DROP TABLE payment;--",
  '\\',
  "'",
  '"',
  '`',
  '%',
  '_',
  '*',
];
const PATHS = [
  '../../../../etc/passwd',
  '..%2f..%2f..%2fetc%2fpasswd',
  '..\\..\\windows\\win.ini',
  '/etc/shadow',
  '....//....//',
  '%2e%2e/',
];
const ODD = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '990102\u0000',
  '\u202e\u0633\u0644\u0627\u0645',
  '\ud800',
  '\udfff\ud800',
  '😀👨‍👩‍👧',
  '９９０１０２',
  '\u200b990102',
  'é'.normalize('NFD'),
  '\r\n\r\nX-Injected: 1',
  '<script>alert(1)</script>',
  '${7*7}',
  '{{7*7}}',
  "=cmd|' /C calc'!A0",
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
];
const NUMBERISH = [
  'NaN',
  '-NaN',
  'Infinity',
  '-Infinity',
  '1e999',
  '-1e999',
  '0x1F',
  '0b11',
  '1_000',
  '1.5',
  '-0',
  '+1',
  ' 1',
  '1 ',
  '00001',
  '9'.repeat(400),
  '2026.0',
  '2026e0',
  '-2026',
];
const NUMBERS = [0, -1, 1.5, -0.5, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, -1e308, Number.MIN_VALUE];

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SQL_FRAGMENTS, ...PATHS, ...ODD, ...NUMBERISH) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 5_000, max: 200_000 }).map((n) => 'A'.repeat(n)) },
  // Ordinary text with a control character inside: what a validator looking at types only lets through.
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.constantFrom('\u0000', '\u0001', '\u001b', '\u007f', '\ufeff', '\ufffe'))
      .map(([t, c]) => t + c + t),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...SQL_FRAGMENTS, ...PATHS), fc.constantFrom('990102', '2026', 'P1', '1', 'R12'))
      .map(([a, b]) => b + a),
  },
);

/** A JSON value nested `depth` levels deep. */
const nested = (depth: number, leaf: unknown, asArray: boolean): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  return v;
};

/** An own property named __proto__ (a literal would set the prototype instead). */
const protoObject = (key: string, inner: unknown): object =>
  Object.defineProperty({}, key, { value: inner, enumerable: true, writable: true, configurable: true });

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(...NUMBERS, true, false, null, [], {}) },
  { weight: 1, arbitrary: fc.array(hostileString, { minLength: 1, maxLength: 5 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((n) => Array.from({ length: n }, (_, i) => String(i))) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 2, max: 3_000 }), fc.boolean()).map(([d, a]) => nested(d, 'x', a)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype').map((k) => protoObject(k, { polluted: true, isAdmin: true })),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

const DATE_STRINGS = ['2026-06-30', '2026-02-29', '2026-13-01', '0000-00-00', '9999-12-31', '2026-6-3', '2026-06-31', '1970-01-01'];

function stringFor(s: Schema): fc.Arbitrary<string> {
  if (s.format === 'date') {
    return fc.oneof(
      fc.constantFrom(...DATE_STRINGS),
      fc.date({ min: new Date('1900-01-01'), max: new Date('2200-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
    );
  }
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    return fc.stringMatching(re).filter((v) => v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? Infinity));
  }
  const maxLength = Math.min(s.maxLength ?? 60, 60);
  const minLength = Math.min(s.minLength ?? 0, maxLength);
  return fc.oneof(
    fc.string({ minLength, maxLength }),
    fc.string({ unit: 'grapheme', minLength, maxLength }),
    // At the limit and one past it.
    fc.constant('x'.repeat(s.maxLength ?? 60)),
  );
}

/** Hints by property name: seeded values and, for the analytics' own little languages, their grammar. */
function hinted(name: string | undefined, known: Known): fc.Arbitrary<unknown> | undefined {
  const dim = fc.constantFrom(...DIMENSION_NAMES, 'nope');
  const measure = fc.constantFrom(...MEASURE_NAMES, 'nope');
  const token = fc.oneof(fc.constantFrom('2026', '2025', '101001', '105001', 'P1', '990102', '某文具公司', ''), hostileString);
  switch (name) {
    case 'region':
    case 'regionCode':
      return fc.constantFrom(...known.regions);
    case 'id':
      return fc.constantFrom(...known.ids);
    case 'year':
      return fc.constantFrom(2025, 2026, '2026');
    case 'code':
      return fc.constantFrom('P1', 'P2');
    case 'expectedVersion':
      return fc.integer({ min: 1, max: 4 });
    case 'username':
      return fc.constantFrom(...known.usernames);
    case 'password':
    case 'currentPassword':
      return fc.constant(TEST_PASSWORD);
    case 'cut':
      return fc
        .array(fc.tuple(dim, fc.array(token, { minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 4 })
        .map((parts) => parts.map(([d, vs]) => `${d}:${vs.join(';')}`).join('|'));
    case 'drilldown':
      return fc.array(dim, { minLength: 1, maxLength: 4 }).map((a) => a.join(','));
    case 'measures':
      return fc.array(measure, { minLength: 1, maxLength: 4 }).map((a) => a.join(','));
    case 'order':
      return fc
        .array(fc.tuple(fc.oneof(dim, measure), fc.constantFrom('', ':asc', ':desc', ':sideways')), { minLength: 1, maxLength: 3 })
        .map((a) => a.map(([k, d]) => k + d).join(','));
    default:
      return undefined;
  }
}

/** A schema-valid value (hints by name mixed in). */
function validValue(s: Schema, known: Known, name?: string): fc.Arbitrary<unknown> {
  const base = validBase(s, known);
  const hint = hinted(name, known);
  return hint ? fc.oneof({ weight: 3, arbitrary: hint }, { weight: 1, arbitrary: base }) : base;
}

function validBase(s: Schema, known: Known): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.anyOf) return fc.oneof(...s.anyOf.map((x) => validValue(x, known)));
  switch (s.type) {
    case 'string':
      return stringFor(s);
    case 'integer':
      return fc.integer({ min: s.minimum ?? -(2 ** 31), max: s.maximum ?? 2 ** 31 });
    case 'number':
      return fc.double({ min: s.minimum ?? -1e9, max: s.maximum ?? 1e9, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(s.items ? validValue(s.items, known) : fc.jsonValue(), {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? 10, 10),
      });
    case 'object':
      return objectValue(s, known);
    default:
      // Type.Unknown() and friends.
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectValue(s: Schema, known: Known): fc.Arbitrary<Record<string, unknown>> {
  const props = s.properties ?? {};
  const required = s.required ?? [];
  const record = fc.record(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, validValue(v, known, k)])), {
    requiredKeys: required.filter((k) => k in props),
  }) as fc.Arbitrary<Record<string, unknown>>;
  const patterns = Object.entries(s.patternProperties ?? {});
  if (patterns.length === 0) return record;
  // Type.Record: keys from the pattern (and names the domain uses), values from the value schema.
  const [pattern, value] = patterns[0]!;
  const key = fc.oneof(fc.stringMatching(new RegExp(pattern)), fc.constantFrom('low_pct', 'high_pct', 'threshold', 'as_of', 'min_amount'));
  return fc
    .tuple(record, fc.dictionary(key, validValue(value, known), { minKeys: s.minProperties ?? 0, maxKeys: 4 }))
    .map(([r, d]) => ({ ...r, ...d }));
}

/** A value for a schema: valid, or hostile in place of it. */
function anyValue(s: Schema, known: Known, name?: string): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: validValue(s, known, name) }, { weight: 2, arbitrary: hostileValue });
}

const extraKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'isAdmin', 'role', 'region_code', ''),
  fc.string({ maxLength: 12 }),
);

/**
 * An object for an object schema: valid; one property hostile; an unknown or prototype-polluting
 * key added; a required key left out; or not an object at all.
 */
function objectInput(s: Schema, known: Known): fc.Arbitrary<unknown> {
  const props = Object.keys(s.properties ?? {});
  const valid = objectValue(s, known);
  const arbs: fc.WeightedArbitrary<unknown>[] = [
    { weight: 4, arbitrary: valid },
    { weight: 1, arbitrary: fc.tuple(valid, extraKey, hostileValue).map(([o, k, v]) => ({ ...o, ...protoObject(k, v) })) },
    { weight: 2, arbitrary: hostileValue },
  ];
  if (props.length > 0) {
    arbs.push({
      weight: 4,
      arbitrary: fc
        .tuple(valid, fc.constantFrom(...props))
        .chain(([o, k]) => anyValue(s.properties![k]!, known, k).map((v) => ({ ...o, [k]: v }))),
    });
    arbs.push({
      weight: 1,
      arbitrary: fc.tuple(valid, fc.constantFrom(...props)).map(([o, k]) => {
        const copy = { ...o };
        delete copy[k];
        return copy;
      }),
    });
  }
  return fc.oneof(...arbs);
}

// ── Requests ──

type Who = 'admin' | 'analyst' | 'anonymous';
interface FuzzRequest {
  method: string;
  url: string;
  who: Who;
  /** Present: sent as this raw payload with this content type. */
  body?: { payload: string; contentType: string };
  csrf: 'right' | 'missing' | 'wrong';
  /** Every string the request carries (to tell an echo of the caller's own input from a leak). */
  sent: string[];
}

interface RouteInfo {
  method: string;
  url: string;
  params?: Schema;
  querystring?: Schema;
  body?: Schema;
}

const strings = (v: unknown, out: string[] = [], depth = 0): string[] => {
  // Below 50 levels the generated values hold only the one-letter filler of `nested`, too short to be an echo.
  if (depth > 50) return out;
  if (typeof v === 'string') out.push(v);
  else if (typeof v === 'number' || typeof v === 'boolean') out.push(String(v));
  else if (Array.isArray(v)) for (const x of v) strings(x, out, depth + 1);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      strings(x, out, depth + 1);
    }
  }
  return out;
};

const encode = (v: string): string => {
  try {
    return encodeURIComponent(v);
  } catch {
    // A lone surrogate: send it as it is.
    return v;
  }
};

/** A repeated key for an array; an object or a nested array as its JSON text. */
const scalar = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const queryValue = (v: unknown): string[] => (Array.isArray(v) ? v.map(scalar) : [scalar(v)]);

function queryString(q: unknown): string {
  if (q === undefined) return '';
  if (typeof q !== 'object' || q === null || Array.isArray(q)) return `?${encode(queryValue(q).join(''))}`;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) for (const x of queryValue(v)) parts.push(`${encode(k)}=${encode(x)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

const RAW_QUERIES = [
  '?%',
  '?%ZZ=1',
  '?a=%E0%A4%A',
  '?&&&=&',
  '?region',
  '?region=990102&region=990101',
  '?;region=990102',
  `?${'a=1&'.repeat(2_000)}`,
];
const RAW_BODIES: { payload: string; contentType: string }[] = [
  { payload: '{', contentType: 'application/json' },
  { payload: '{"a":1,}', contentType: 'application/json' },
  { payload: '', contentType: 'application/json' },
  { payload: 'null', contentType: 'application/json' },
  { payload: '{"__proto__":{"isAdmin":true}}', contentType: 'application/json' },
  { payload: '{"constructor":{"prototype":{"isAdmin":true}}}', contentType: 'application/json' },
  { payload: '\u0000', contentType: 'application/json' },
  { payload: 'region=990102', contentType: 'application/x-www-form-urlencoded' },
  { payload: 'hello', contentType: 'text/plain' },
  { payload: '<x/>', contentType: 'application/xml' },
  { payload: '{}', contentType: 'application/json; charset=utf-7' },
  { payload: `{"a":"${'x'.repeat(1_100_000)}"}`, contentType: 'application/json' },
];

/** One input of a route made hostile, everything else schema-valid, sent by a signed-in user with the CSRF token. */
interface Focus {
  part: 'params' | 'querystring' | 'body';
  key: string;
}

/** The inputs of a route that a focused run can make hostile one at a time. */
function focusesOf(route: RouteInfo): Focus[] {
  return (['params', 'querystring', 'body'] as const).flatMap((part) =>
    Object.keys(route[part]?.properties ?? {}).map((key) => ({ part, key })),
  );
}

const jsonBody = (b: unknown) => ({ payload: JSON.stringify(b) ?? '', contentType: 'application/json' });

/**
 * Requests for a route: free (any input valid or hostile, any caller, CSRF token mostly right,
 * odd raw queries and bodies now and then), or focused on one input.
 */
function requestFor(route: RouteInfo, known: Known, focus?: Focus): fc.Arbitrary<FuzzRequest> {
  const names = [...route.url.matchAll(/:([A-Za-z_]+)|\*/g)].map((m) => m[1] ?? '*');
  const paramArb = fc.tuple(
    ...names.map((n) => {
      const s = route.params?.properties?.[n];
      if (s && focus) return focus.part === 'params' && focus.key === n ? hostileString : validValue(s, known, n);
      if (s) return fc.oneof({ weight: 3, arbitrary: validValue(s, known, n) }, { weight: 2, arbitrary: hostileString });
      // The wildcard of Swagger UI's static files (a plugin's route, no schema): file names and traversal.
      return fc.oneof(
        fc.constantFrom('swagger-ui.css', 'index.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'nope.js'),
        fc.constantFrom(...PATHS),
        hostileString,
      );
    }),
  );
  /** The schema's valid object with the focused key (if it is in this part) hostile. */
  const focused = (part: Focus['part'], schema: Schema) =>
    focus?.part === part
      ? fc.tuple(objectValue(schema, known), hostileValue).map(([o, v]) => ({ ...o, ...protoObject(focus.key, v) }))
      : objectValue(schema, known);
  let queryArb: fc.Arbitrary<string>;
  if (focus) queryArb = (route.querystring ? focused('querystring', route.querystring) : fc.constant(undefined)).map(queryString);
  else {
    // A route that declares no querystring still gets one: whatever a caller adds must not hurt.
    const q: fc.Arbitrary<unknown> = route.querystring
      ? objectInput(route.querystring, known)
      : fc.option(fc.dictionary(extraKey, hostileString, { maxKeys: 3 }), { nil: undefined });
    queryArb = fc.oneof({ weight: 12, arbitrary: q.map(queryString) }, { weight: 1, arbitrary: fc.constantFrom(...RAW_QUERIES) });
  }
  let bodyArb: fc.Arbitrary<FuzzRequest['body']>;
  if (route.method === 'GET') bodyArb = fc.constant(undefined);
  else if (focus) bodyArb = (route.body ? focused('body', route.body) : fc.constant({})).map(jsonBody);
  else {
    bodyArb = fc.oneof(
      { weight: 8, arbitrary: (route.body ? objectInput(route.body, known) : hostileValue).map(jsonBody) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
  }
  return fc
    .record({
      params: paramArb,
      query: queryArb,
      body: bodyArb,
      who: focus ? fc.constantFrom<Who>('admin', 'analyst') : fc.constantFrom<Who>('admin', 'admin', 'analyst', 'analyst', 'anonymous'),
      csrf: focus
        ? fc.constant('right' as const)
        : fc.constantFrom<FuzzRequest['csrf']>('right', 'right', 'right', 'right', 'right', 'missing', 'wrong'),
      rawParams: focus ? fc.constant(false) : fc.boolean(),
    })
    .map(({ params, query, body, who, csrf, rawParams }) => {
      let i = 0;
      const values = params.map(String);
      // Mostly percent-encoded; sometimes as they are (a "/" or "?" then changes which route matches).
      const url = route.url.replace(/:([A-Za-z_]+)|\*/g, () => {
        const v = values[i++]!;
        return rawParams ? v : encode(v);
      });
      // What the server reads from the query, decoded (a message may quote a value).
      const queryParts = [...new URLSearchParams(query.slice(1))].flat();
      const sent = [...values, query, ...queryParts, ...(body ? [body.payload, ...safeStrings(body.payload)] : [])];
      // The path as the server sees it: "/a/../b" arrives as "/b" (a 404 may quote it).
      try {
        const p = new URL(url, 'http://fuzz').pathname;
        sent.push(p, decodeURIComponent(p));
      } catch {
        // A path that does not decode is quoted, if at all, as sent.
      }
      return { method: route.method, url: url + query, who, body, csrf, sent };
    });
}

function safeStrings(payload: string): string[] {
  try {
    return strings(JSON.parse(payload));
  } catch {
    return [];
  }
}

// ── What a response may not contain ──

const LEAKS: [string, RegExp][] = [
  ['stack frame', /\bat (?:async )?[\w$.<>[\] ]*\(?(?:file:\/\/|node:|\/[\w.-]+\/|[A-Za-z]:\\)[^\s)]*:\d+/],
  ['source location', /[\w-]+\.(?:ts|js|mjs|cjs|sql):\d+/],
  ['error with stack', /\w*Error: [^\n"]*\\n\s*at /],
  ['SQL', /\bSELECT\b[\s\S]{0,300}?\bFROM\b|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b|\bWHERE\b[\s\S]{0,80}?\$\d/],
  [
    'Postgres error',
    /syntax error at|relation "|column "[^"]*" (?:does not exist|of relation)|duplicate key|violates [\w-]+ constraint|invalid input syntax|out of range for type|value too long for type|current transaction is aborted|permission denied for|row-level security/i,
  ],
  [
    'DuckDB error',
    /Binder Error|Parser Error|Catalog Error|Conversion Error|Invalid Input Error|Out of Range Error|Constraint Error|INTERNAL Error|TransactionContext Error/,
  ],
  ['filesystem path', /(?:^|[\s"'(=:[,])(?:\/(?:home|root|tmp|usr|var|etc|work|opt|srv|mnt|Users|private|proc)\/|[A-Za-z]:\\\\)[^\s"']*/],
];

function leaksIn(text: string): string[] {
  return LEAKS.filter(([, re]) => re.test(text)).map(([name, re]) => `${name}: …${text.match(re)![0].slice(0, 120)}…`);
}

/** A string and its parts between the separators of the analytics' little languages, at every level. */
const SEPARATORS = ['&', '=', '|', ':', ';', ','];
function piecesOf(x: string, level = 0): string[] {
  if (level >= SEPARATORS.length) return [x.trim()];
  const whole = piecesOf(x, level + 1);
  return x.includes(SEPARATORS[level]!) ? [...whole, ...x.split(SEPARATORS[level]!).flatMap((p) => piecesOf(p, level + 1))] : whole;
}

/**
 * The body with the caller's own strings taken out (raw and as JSON would escape them), and the
 * pieces of them a parser may quote (`cut on year: "2026e0" is not a number`).
 */
function withoutEcho(body: string, sent: string[]): string {
  let out = body;
  const pieces = sent.flatMap((x) => piecesOf(x));
  for (const s of [...new Set(pieces)].filter((x) => x.length >= 3).sort((a, b) => b.length - a.length)) {
    for (const form of [s, JSON.stringify(s).slice(1, -1)]) out = out.split(form).join('');
  }
  return out;
}

/** Documented as SQL: the rule SQL and evidence queries the warnings API shows to reviewers. */
const SQL_FIELDS = new Set(['sql', 'ruleSql']);

function jsonLeaves(v: unknown, stored: Set<string>, out: string[] = [], key = ''): string[] {
  if (typeof v === 'string') {
    if (!SQL_FIELDS.has(key) && !stored.has(v)) out.push(v);
  } else if (Array.isArray(v)) for (const x of v) jsonLeaves(x, stored, out, key);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) jsonLeaves(x, stored, out, k);
  return out;
}

// ── The test ──

interface Tally {
  requests: number;
  byClass: Record<string, number>;
  byStatus: Record<string, number>;
}

describe.each(pgTargets())('API fuzz on $name', (target) => {
  let ctx: AppContext;
  let app: FastifyInstance;
  let dir: string;
  const known: Known = {
    regions: ['990102', '990100', '990101', '880100', '990000', '000000'],
    ids: [],
    userIds: [],
    warningIds: [],
    usernames: [],
  };
  const sessions = new Map<Exclude<Who, 'anonymous'>, { cookie: string; csrf: string; username: string }>();
  let generation = 0;
  let ip = 0;

  const ROLE_OF = { admin: ['admin', '990100'], analyst: ['analyst', '990102'] } as const;

  /** Signs in a fresh user of that kind (a fuzz request may have logged one out, disabled it, reset its password…). */
  const signInAs = async (who: Exclude<Who, 'anonymous'>) => {
    generation++;
    const [role, region] = ROLE_OF[who];
    const username = `fz-${who}-${generation}`;
    await authService(ctx).createUser(null, { username, role, regionCode: region, password: TEST_PASSWORD, mustChangePassword: false });
    // From an address of its own, like every fuzz request: the login limit is per client address.
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password: TEST_PASSWORD },
      remoteAddress: `10.254.${generation >> 8}.${generation & 255}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    sessions.set(who, { cookie: sessionCookie(res)!, csrf: (res.json() as { csrfToken: string }).csrfToken, username });
  };

  /** Signs in again whoever no longer has a working session without a pending password change. */
  const repairSessions = async () => {
    for (const [who, s] of sessions) {
      const res = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie }, remoteAddress: '10.255.255.254' });
      if (res.statusCode !== 200 || (res.json() as { user: { mustChangePassword: boolean } }).user.mustChangePassword) await signInAs(who);
    }
  };

  beforeAll(async () => {
    const pg = await target.open();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caijian-fuzz-'));
    const duck = await openDuck(path.join(dir, 'caijian.duckdb'));
    await migrateDuck(duck);
    await seedAnalytics(duck);
    await duck.run(`INSERT INTO region VALUES ('990101', '江东区', '990100', 'district', 1), ('880100', '远山市', NULL, 'city', 1);
      INSERT INTO project VALUES ('990102', 'P1', '江北区幼儿园', '205001', '2050201', 'general', 2026, NULL, 1)`);
    await seedPgRegions(pg);
    ctx = { config: loadConfig({}), pg, duck, close: async () => (await duck.close(), await pg.close()) };
    app = await buildApp(ctx, { web: false });
    await signInAs('admin');
    await signInAs('analyst');

    // Warnings and accounts in and out of the fuzzing users' scopes, for the routes that take an id.
    const runId = await startTestRun(pg);
    const service = authService(ctx);
    for (const region of ['990102', '990100', '990101', '880100']) {
      for (const subjectId of ['general', 'special']) {
        known.warningIds.push(
          await insertTestWarning(pg, { runId, fingerprint: `${region}${subjectId}`.padEnd(40, '0'), region, subjectId }),
        );
      }
      const u = await service.createUser(null, {
        username: `fz-target-${region}`,
        role: 'observer',
        regionCode: region,
        password: TEST_PASSWORD,
      });
      known.userIds.push(u.user.id);
      known.usernames.push(`fz-target-${region}`);
    }
    for (const ids of [known.userIds, known.warningIds]) ids.push('1', '2', '999999999999999999');
    known.usernames.push('nobody', 'fz-admin-1');
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers every schema-derived request below 500, without stack traces, SQL or paths, 4xx as {code, message, requestId}', async () => {
    const routes: RouteInfo[] = [];
    const noSchema: string[] = [];
    for (const r of app.apiRoutes) {
      // HEAD runs GET's handler and answers without a body; OPTIONS has no route of ours.
      if (r.method === 'HEAD' || r.method === 'OPTIONS') continue;
      const s = (r.schema ?? {}) as { params?: Schema; querystring?: Schema; body?: Schema };
      const named = [...r.url.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!);
      if (!r.schema) noSchema.push(`${r.method} ${r.url}: no schema at all`);
      else if (named.some((n) => !s.params?.properties?.[n])) noSchema.push(`${r.method} ${r.url}: a path parameter without a schema`);
      else if (r.method !== 'GET' && !s.body) noSchema.push(`${r.method} ${r.url}: a state change without a body schema`);
      routes.push({ method: r.method, url: r.url, params: s.params, querystring: s.querystring, body: s.body });
    }
    expect(noSchema, 'routes with no schema to fuzz from').toEqual([]);
    expect(routes.length).toBeGreaterThan(20);

    const tally: Tally = { requests: 0, byClass: {}, byStatus: {} };
    const problems: string[] = [];
    const stored = new Set<string>();

    const send = async (route: RouteInfo, req: FuzzRequest) => {
      for (const s of req.sent) stored.add(s);
      const headers: Record<string, string> = {};
      const session = req.who === 'anonymous' ? undefined : sessions.get(req.who)!;
      if (session) {
        headers.cookie = session.cookie;
        if (req.method !== 'GET' && req.csrf !== 'missing') headers[CSRF_HEADER] = req.csrf === 'right' ? session.csrf : 'x'.repeat(43);
      }
      if (req.body) headers['content-type'] = req.body.contentType;
      ip++;
      const res = await app.inject({
        method: req.method as 'GET',
        url: req.url,
        headers,
        payload: req.body?.payload,
        remoteAddress: `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`,
      });
      const status = res.statusCode;
      tally.requests++;
      tally.byClass[`${Math.floor(status / 100)}xx`] = (tally.byClass[`${Math.floor(status / 100)}xx`] ?? 0) + 1;
      tally.byStatus[status] = (tally.byStatus[status] ?? 0) + 1;

      const where = `${route.method} ${route.url} as ${req.who} → ${status} (${req.method} ${req.url.slice(0, 200)}${req.body ? ` body ${req.body.payload.slice(0, 200)}` : ''})`;
      const found: string[] = [];
      if (status >= 500) found.push(`status ${status}: ${res.body.slice(0, 300)}`);
      const isJson = String(res.headers['content-type'] ?? '').startsWith('application/json');
      if (status >= 200 && status < 300) {
        if (isJson) {
          let parsed: unknown;
          try {
            parsed = res.json();
          } catch {
            found.push('a 2xx body that is not JSON');
          }
          for (const leaf of jsonLeaves(parsed, stored)) found.push(...leaksIn(leaf));
        }
      } else if (status >= 300) {
        found.push(...leaksIn(withoutEcho(res.body, req.sent)));
      }
      if (status >= 400 && status < 500) {
        let shape = 'not JSON';
        try {
          const b = res.json() as Record<string, unknown>;
          const keys = Object.keys(b).sort().join(',');
          shape =
            keys === 'code,message,requestId' &&
            typeof b.code === 'string' &&
            typeof b.message === 'string' &&
            typeof b.requestId === 'string'
              ? 'ok'
              : `keys ${keys}`;
        } catch {
          // stays 'not JSON'
        }
        if (shape !== 'ok') found.push(`a 4xx body that is not {code, message, requestId} (${shape}): ${res.body.slice(0, 200)}`);
      }
      for (const f of found) problems.push(`${where}: ${f}`);

      // A fuzz request may have ended, disabled, locked or reset a fuzzing user: sign in afresh.
      if (status < 300 && req.method !== 'GET' && route.url.startsWith('/api/auth/')) await repairSessions();
      return found.length === 0;
    };

    const check = async (route: RouteInfo, arb: fc.Arbitrary<FuzzRequest>, numRuns: number, what: string, salt = 0) => {
      // Per route and round, so that the second round sends other requests than the first.
      const seed = (BASE_SEED ^ (route.url.length * 7919) ^ (salt * 104_729)) | 0;
      const out = await fc.check(
        fc.asyncProperty(arb, async (req) => {
          await send(route, req);
          // Every run is recorded in `problems`; the property itself never stops the run short.
          return true;
        }),
        { numRuns, seed },
      );
      if (out.failed)
        problems.push(`${route.method} ${route.url} (${what}): the property threw (seed ${seed}): ${String(out.errorInstance)}`);
    };
    const knownFor = (route: RouteInfo): Known => ({
      ...known,
      ids: route.url.startsWith('/api/auth/') ? known.userIds : known.warningIds,
    });

    // Free runs in two rounds, so that what one route stored (a rule parameter, a status, a
    // comment, an account) is there when the routes before it in the list run again.
    for (let round = 0; round < ROUNDS; round++) {
      for (const route of routes)
        await check(route, requestFor(route, knownFor(route)), RUNS_PER_ROUTE / ROUNDS, `free, round ${round + 1}`, round + 1);
    }
    // Focused runs: each input of each route hostile in turn, the rest valid, from a signed-in
    // user with the CSRF token, so that the hostile value reaches the handler and the database.
    let focusedRuns = 0;
    for (const route of routes) {
      for (const focus of focusesOf(route)) {
        await check(route, requestFor(route, knownFor(route), focus), RUNS_PER_INPUT, `${focus.part}.${focus.key} hostile`);
        focusedRuns += RUNS_PER_INPUT;
      }
    }

    const fivexx = Object.entries(tally.byStatus)
      .filter(([s]) => Number(s) >= 500)
      .reduce((n, [, c]) => n + c, 0);
    console.log(
      `API fuzz (${target.name}): ${routes.length} routes × ${RUNS_PER_ROUTE} free runs + ${focusedRuns} focused runs ` +
        `(${RUNS_PER_INPUT} per input) = ${tally.requests} requests; ` +
        `by class ${JSON.stringify(tally.byClass)}; by status ${JSON.stringify(tally.byStatus)}; 5xx ${fivexx}; ` +
        `problems ${problems.length}; fresh sign-ins ${generation - 1}; seed ${BASE_SEED} (replay with API_FUZZ_SEED=${BASE_SEED})`,
    );
    // The first few of each route and kind of problem.
    const shown = new Map<string, number>();
    for (const p of problems) {
      const group = `${p.split(' as ')[0]} ${p.replace(/^.*\): /, '').split(':')[0]}`;
      shown.set(group, (shown.get(group) ?? 0) + 1);
      if (shown.get(group)! <= 3) console.log(p.slice(0, 1200));
    }
    if (shown.size) console.log([...shown].map(([g, n]) => `${n} × ${g}`).join('\n'));
    expect(tally.requests).toBe(routes.length * RUNS_PER_ROUTE + focusedRuns);
    // The first few problems go in the assertion itself, so that they appear in the failure summary
    // at the end of a long CI log (which may be all of the log a reader gets), with the seed.
    expect(
      problems.slice(0, 5).map((p) => p.slice(0, 600)),
      `${problems.length} problems with seed ${BASE_SEED} (replay with API_FUZZ_SEED=${BASE_SEED})`,
    ).toEqual([]);
  });
});
