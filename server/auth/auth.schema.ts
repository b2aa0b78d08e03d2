/** TypeBox schemas of the /api/auth routes. Every object is closed (additionalProperties: false). */
import { Type, type Static } from '@sinclair/typebox';
import { Line, Text } from '../core/schema.ts';
import { ROLES } from './auth.types.ts';

const closed = { additionalProperties: false } as const;

export const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));
export const RegionCode = Type.String({ pattern: '^[0-9]{6}$' });
export const Username = Text({ minLength: 1, maxLength: 64 });
// Upper bound so that a megabyte "password" cannot make argon2 the bottleneck.
export const Password = Type.String({ minLength: 1, maxLength: 1024 });

// For POSTs that take nothing: no body at all, or an empty JSON object.
export const NoBody = Type.Union([Type.Object({}, closed), Type.Null()]);

export const LoginBody = Type.Object(
  {
    username: Username,
    password: Password,
    totp: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
  },
  closed,
);
export type LoginBody = Static<typeof LoginBody>;

export const MeUser = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    role: RoleSchema,
    regionCode: Type.String(),
    regionScope: Type.Array(Type.String()),
    mustChangePassword: Type.Boolean(),
    totpEnabled: Type.Boolean(),
  },
  closed,
);

export const MeResponse = Type.Object({ user: MeUser, csrfToken: Type.String() }, closed);
export const LoginResponse = Type.Object({ user: MeUser, csrfToken: Type.String(), expiresAt: Type.String() }, closed);

export const PasswordBody = Type.Object({ currentPassword: Password, newPassword: Password }, closed);
export type PasswordBody = Static<typeof PasswordBody>;

export const OkResponse = Type.Object({ ok: Type.Literal(true) }, closed);

export const TotpSetupResponse = Type.Object({ secret: Type.String(), uri: Type.String() }, closed);
export const TotpConfirmBody = Type.Object({ code: Type.String({ pattern: '^[0-9]{6}$' }) }, closed);

export const UserSummarySchema = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    role: RoleSchema,
    regionCode: Type.String(),
    disabled: Type.Boolean(),
    locked: Type.Boolean(),
    totpEnabled: Type.Boolean(),
    mustChangePassword: Type.Boolean(),
    createdAt: Type.String(),
    lastLoginAt: Type.Union([Type.String(), Type.Null()]),
  },
  closed,
);

export const UserListResponse = Type.Object({ users: Type.Array(UserSummarySchema) }, closed);

export const CreateUserBody = Type.Object(
  {
    username: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{2,63}$' }),
    role: RoleSchema,
    regionCode: RegionCode,
    displayName: Type.Optional(Line({ maxLength: 100 })),
    /** Absent: a password is generated and returned once. */
    password: Type.Optional(Password),
  },
  closed,
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const CreateUserResponse = Type.Object({ user: UserSummarySchema, password: Type.Optional(Type.String()) }, closed);

export const UserIdParams = Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,17}$' }) }, closed);

export const PasswordResponse = Type.Object({ password: Type.String() }, closed);
