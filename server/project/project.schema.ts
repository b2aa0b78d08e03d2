/** TypeBox schemas of the project API. Unknown query parameters are a 400, not ignored. */
import { Type } from '@sinclair/typebox';
import { RegionCode } from '../analytics/analytics.schema.ts';

export const ProjectCode = Type.String({ pattern: '^[0-9A-Za-z_.-]{1,24}$', description: 'project code (项目编码)' });
export const Year = Type.Integer({ minimum: 1990, maximum: 2100 });
const Money = Type.String({ description: 'exact decimal amount in 元' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Ratio = Type.Union([Type.Number(), Type.Null()]);
const Int = Type.Integer();

export const ProjectQuery = Type.Object({ region: RegionCode, code: ProjectCode }, { additionalProperties: false });
export const ProjectYearQuery = Type.Object({ region: RegionCode, code: ProjectCode, year: Year }, { additionalProperties: false });

export const ProjectInfo = Type.Object(
  {
    region: Type.String(),
    region_name: Nullable(Type.String()),
    code: Type.String(),
    name: Type.String(),
    department: Type.String(),
    department_name: Nullable(Type.String()),
    function_code: Type.String(),
    function_name: Nullable(Type.String()),
    budget_type: Type.String(),
    budget_type_name: Nullable(Type.String()),
    start_year: Int,
    end_year: Type.Union([Int, Type.Null()]),
  },
  { additionalProperties: false },
);

export const ThreadRow = Type.Object(
  { year: Int, approved: Money, adjustment: Money, adjusted: Money, executed: Money, final: Money, execution_rate: Ratio },
  { additionalProperties: false },
);

export const AdjustmentRow = Type.Object(
  {
    year: Int,
    adjusted_on: Type.String(),
    doc_no: Type.String(),
    economic_code: Nullable(Type.String()),
    amount: Money,
    reason: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const ProfileResponse = Type.Object(
  { project: ProjectInfo, thread: Type.Array(ThreadRow), adjustments: Type.Array(AdjustmentRow) },
  { additionalProperties: false },
);

export const MonthlyResponse = Type.Object(
  {
    year: Int,
    rows: Type.Array(
      Type.Object(
        { month: Int, executed: Nullable(Money), count: Type.Union([Int, Type.Null()]), cumulative: Nullable(Money) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const PerformanceResponse = Type.Object(
  {
    rows: Type.Array(
      Type.Object(
        {
          year: Int,
          indicator_type: Type.String(),
          indicator: Type.String(),
          unit: Nullable(Type.String()),
          target_value: Nullable(Type.String()),
          actual_value: Nullable(Type.String()),
          attainment: Ratio,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
