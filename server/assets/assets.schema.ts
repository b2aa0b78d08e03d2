/** TypeBox schemas of the state-assets API. */
import { Type } from '@sinclair/typebox';
import { RegionCode } from '../analytics/analytics.schema.ts';
import { ENTERPRISE_ORDER } from './assets.queries.ts';

const Year = Type.Integer({ minimum: 1990, maximum: 2100, description: 'the latest year ≤ this one that has data is used' });
const Money = Type.String({ description: 'exact decimal amount in 元' });
const MoneyN = Type.Union([Money, Type.Null()]);
const Ratio = Type.Union([Type.Number(), Type.Null()]);
const Int = Type.Integer();
const Str = Type.String();
const StrN = Type.Union([Str, Type.Null()]);
const obj = <T extends Parameters<typeof Type.Object>[0]>(props: T) => Type.Object(props, { additionalProperties: false });

export const YearQuery = obj({ region: RegionCode, year: Year });
export const EnterprisesQuery = obj({
  region: RegionCode,
  year: Year,
  kind: Type.Optional(Type.Union([Type.Literal('enterprise'), Type.Literal('financial')])),
  order: Type.Optional(
    Type.Union(
      ENTERPRISE_ORDER.map((o) => Type.Literal(o)),
      { default: 'total_assets' },
    ),
  ),
  desc: Type.Optional(Type.Boolean({ default: true })),
});

export const KindsResponse = obj({
  kinds: Type.Array(
    obj({ kind: Str, year: Int, items: Int, assets: Money, liabilities: MoneyN, net: MoneyN, profit: MoneyN, state_capital: MoneyN }),
  ),
  trend: Type.Array(obj({ year: Int, kind: Str, assets: Money })),
});

export const EnterprisesResponse = obj({
  year: Type.Union([Int, Type.Null()]),
  max_debt_asset_pct: Type.Number({ description: 'the R17 line (default parameter) for non-financial enterprises' }),
  rows: Type.Array(
    obj({
      region: Str,
      region_name: StrN,
      year: Int,
      code: Str,
      name: Str,
      kind: Str,
      supervisor: StrN,
      total_assets: Money,
      total_liabilities: Money,
      owners_equity: Money,
      revenue: Money,
      profit: Money,
      previous_profit: MoneyN,
      state_capital_begin: Money,
      state_capital_end: Money,
      debt_asset_ratio: Ratio,
      roe: Ratio,
      preservation_ratio: Ratio,
      high_leverage: Type.Boolean(),
      losses_two_years: Type.Boolean(),
    }),
  ),
});

export const AdministrativeResponse = obj({
  year: Type.Union([Int, Type.Null()]),
  max_idle_pct: Type.Number({ description: 'the R18 line (default parameter)' }),
  departments: Type.Array(
    obj({
      region: Str,
      department: Str,
      department_name: StrN,
      cards: Int,
      in_use: Money,
      idle: Money,
      rented: Money,
      disposed: Money,
      total: Money,
      net_value: Money,
      idle_share: Ratio,
    }),
  ),
  categories: Type.Array(obj({ category: Str, status: Str, cards: Int, original_value: Money, net_value: Money })),
});

export const ResourcesResponse = obj({
  year: Type.Union([Int, Type.Null()]),
  rows: Type.Array(obj({ region: Str, region_name: StrN, year: Int, kind: Str, name: Str, unit: Str, quantity: Str, value: MoneyN })),
});
