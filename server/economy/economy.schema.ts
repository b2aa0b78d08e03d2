/** TypeBox schemas of the economy API. Indicator values are exact decimal strings in their own unit. */
import { Type } from '@sinclair/typebox';
import { RegionCode } from '../analytics/analytics.schema.ts';

const Int = Type.Integer();
const Str = Type.String();
const StrN = Type.Union([Str, Type.Null()]);
const obj = <T extends Parameters<typeof Type.Object>[0]>(props: T) => Type.Object(props, { additionalProperties: false });
const Year = Type.Integer({ minimum: 1990, maximum: 2100 });
const IndicatorCode = Type.String({ pattern: '^[0-9A-Za-z_.-]{1,24}$', description: 'indicator code' });

export const IndicatorsQuery = obj({ region: RegionCode, year: Year });
export const CompareQuery = obj({ region: RegionCode, year: Year, indicator: IndicatorCode });
export const SeriesQuery = obj({ region: RegionCode, indicator: IndicatorCode });

export const IndicatorRow = obj({
  region: Str,
  region_name: StrN,
  plan: Str,
  indicator_code: Str,
  name: Str,
  unit: StrN,
  direction: Str,
  year_target: StrN,
  latest_period: StrN,
  period_target: StrN,
  actual: StrN,
  expected: StrN,
  completion: Type.Union([Type.Number(), Type.Null()]),
  behind: Type.Union([Type.Boolean(), Type.Null()]),
});

export const IndicatorsResponse = obj({
  year: Int,
  tolerance_pct: Type.Number({ description: 'the R19 tolerance (default parameter)' }),
  rows: Type.Array(IndicatorRow),
});

export const SeriesResponse = obj({
  rows: Type.Array(
    obj({
      region: Str,
      plan: Str,
      indicator_code: Str,
      name: Str,
      unit: StrN,
      direction: Str,
      period: Str,
      target_value: StrN,
      actual_value: StrN,
    }),
  ),
});
