/** TypeBox schemas of the aggregate API. Unknown query parameters are a 400, not ignored. */
import { Type, type Static } from '@sinclair/typebox';
import { CUBES } from './analytics.queries.ts';

export const RegionCode = Type.String({ pattern: '^[0-9]{6}$', description: '6-digit administrative code' });

const Scope = {
  region: RegionCode,
  subregions: Type.Optional(Type.Boolean({ default: true, description: 'include the sub-regions (a city with its districts)' })),
  cut: Type.Optional(Type.String({ maxLength: 2000, description: 'filters: `year:2026|department:101001;101002`' })),
  order: Type.Optional(Type.String({ maxLength: 200, description: '`executed:desc,department`' })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
};

export const AggregateQuerystring = Type.Object(
  {
    cube: Type.Optional(
      Type.Union(
        CUBES.map((c) => Type.Literal(c)),
        { default: 'budget' },
      ),
    ),
    measures: Type.Optional(Type.String({ maxLength: 200, description: 'comma-separated measure names' })),
    drilldown: Type.Optional(Type.String({ maxLength: 200, description: 'comma-separated dimension names' })),
    ...Scope,
    pagesize: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 100 })),
  },
  { additionalProperties: false },
);
export type AggregateQuerystring = Static<typeof AggregateQuerystring>;

export const FactsQuerystring = Type.Object(
  { ...Scope, pagesize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })) },
  { additionalProperties: false },
);
export type FactsQuerystring = Static<typeof FactsQuerystring>;

const Cell = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()]));

export const AggregateResponse = Type.Object({
  cube: Type.String(),
  measures: Type.Array(Type.String()),
  drilldown: Type.Array(Type.String()),
  cut: Type.Array(Type.Object({ dim: Type.String(), values: Type.Array(Type.Union([Type.String(), Type.Number()])) })),
  regions: Type.Array(Type.String()),
  page: Type.Integer(),
  pagesize: Type.Integer(),
  total_cell_count: Type.Integer(),
  /** Latest payment date of the cut year (序时进度's as-of), when the cut names one year. */
  as_of: Type.Union([Type.String(), Type.Null()]),
  time_progress: Type.Union([Type.Number(), Type.Null()]),
  cells: Type.Array(Cell),
  /** The measures over the whole cut (every page), computed in SQL. */
  summary: Cell,
});

export const FactsResponse = Type.Object({
  page: Type.Integer(),
  pagesize: Type.Integer(),
  total_fact_count: Type.Integer(),
  total_amount: Type.String(),
  facts: Type.Array(Cell),
});

export const MetaQuerystring = Type.Object({ region: Type.Optional(RegionCode) }, { additionalProperties: false });

export const MetaResponse = Type.Object({
  regions: Type.Array(
    Type.Object({ code: Type.String(), name: Type.String(), parent_code: Type.Union([Type.String(), Type.Null()]), level: Type.String() }),
  ),
  years: Type.Array(Type.Integer()),
  as_of: Type.Union([Type.String(), Type.Null()]),
  dimensions: Type.Array(Type.String()),
  measures: Type.Array(Type.String()),
});
