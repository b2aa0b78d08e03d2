/** TypeBox schemas of the audit-rectification API. */
import { Type } from '@sinclair/typebox';
import { RegionCode } from '../analytics/analytics.schema.ts';

const Money = Type.String({ description: 'exact decimal amount in 元' });
const MoneyN = Type.Union([Money, Type.Null()]);
const Int = Type.Integer();
const Str = Type.String();
const StrN = Type.Union([Str, Type.Null()]);
const obj = <T extends Parameters<typeof Type.Object>[0]>(props: T) => Type.Object(props, { additionalProperties: false });

export const RegionQuery = obj({ region: RegionCode });
export const FindingsQuery = obj({
  region: RegionCode,
  year: Type.Optional(Type.Integer({ minimum: 1990, maximum: 2100, description: 'audit year' })),
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
  pagesize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
});

export const MatrixResponse = obj({
  rows: Type.Array(obj({ audit_year: Int, category: Str, findings: Int, amount: Money })),
});

export const ProgressResponse = obj({
  as_of: StrN,
  rows: Type.Array(
    obj({
      audit_year: Int,
      findings: Int,
      rectified: Int,
      in_progress: Int,
      not_started: Int,
      overdue: Int,
      amount: Money,
      amount_rectified: Money,
      rectified_share: Type.Union([Type.Number(), Type.Null()]),
      as_of: Str,
    }),
  ),
});

export const Finding = obj({
  region: Str,
  finding_code: Str,
  audit_year: Int,
  audited_unit: Str,
  department_code: StrN,
  category: Str,
  description: Str,
  amount: MoneyN,
  rectification_type: Str,
  deadline: StrN,
  status: Str,
  updated_on: StrN,
  amount_rectified: MoneyN,
  overdue: Type.Boolean(),
  days_overdue: Type.Union([Int, Type.Null()]),
});

export const OverdueResponse = obj({ rows: Type.Array(Finding) });
export const FindingsResponse = obj({ total: Int, page: Int, pagesize: Int, rows: Type.Array(Finding) });

export const RecurringResponse = obj({
  chains: Type.Array(
    obj({
      warning_id: Str,
      region: Str,
      finding_code: Str,
      subject_name: Str,
      period: Str,
      band: Str,
      status: Str,
      years_in_window: Type.Union([Int, Type.Null()]),
      rectified_reappears: Type.Boolean(),
      chain: Type.Array(
        obj({
          finding_code: Str,
          audit_year: Int,
          category: Str,
          description: Str,
          status: StrN,
          rectified_on: StrN,
          same_category: Type.Union([Type.Boolean(), Type.Null()]),
        }),
      ),
    }),
  ),
});
