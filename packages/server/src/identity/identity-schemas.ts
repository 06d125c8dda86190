import { z } from 'zod/v4';
import { ENVIRONMENT_ROLES, ORGANIZATION_ROLES } from './identity-store';

/**
 * Ids chosen by clients (organizations, environments): letters, digits, `_` and `-`, starting with
 * a letter or digit, so they are safe in URLs, headers and file names.
 */
export const IdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, 'expected an id of letters, digits, "_" and "-" (at most 128)');

/**
 * Names people read: printable text without control characters nor the characters of markup,
 * template and shell injection (`< > " \` \\ ; { } $`), 1 to 200 characters.
 */
export const NameSchema = z
  .string()
  .trim()
  .min(1, 'expected a name of at least one character')
  .max(200, 'expected a name of at most 200 characters')
  .refine((name) => !/[\u0000-\u001f\u007f<>"`\\;{}$]/.test(name), {
    message: 'expected a name without control characters nor any of < > " ` \\ ; { } $',
  });

export const OrganizationRoleSchema = z.enum(ORGANIZATION_ROLES as ['owner', 'admin', 'member', 'biller']);
export const EnvironmentRoleSchema = z.enum(ENVIRONMENT_ROLES as ['admin', 'engineer', 'runner']);
const FutureDateSchema = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 date-time' });

export const OrganizationParamsSchema = z.strictObject({ organizationId: IdSchema });
export const EnvironmentParamsSchema = z.strictObject({ organizationId: IdSchema, environmentId: IdSchema });
export const MemberParamsSchema = z.strictObject({ organizationId: IdSchema, userId: IdSchema });
export const EnvironmentMemberParamsSchema = z.strictObject({
  organizationId: IdSchema,
  environmentId: IdSchema,
  userId: IdSchema,
});
export const InviteParamsSchema = z.strictObject({ organizationId: IdSchema, inviteId: IdSchema });
export const TokenParamsSchema = z.strictObject({ organizationId: IdSchema, tokenId: IdSchema });
export const EnvironmentTokenParamsSchema = z.strictObject({
  organizationId: IdSchema,
  environmentId: IdSchema,
  tokenId: IdSchema,
});
export const AccessRequestParamsSchema = z.strictObject({
  organizationId: IdSchema,
  environmentId: IdSchema,
  requestId: IdSchema,
});

export const CreateOrganizationSchema = z.strictObject({ id: IdSchema.optional(), name: NameSchema });
export const RenameSchema = z.strictObject({ name: NameSchema });

/** A definition document (`{type, spec}`) read by core's reader, or the plain shape. */
const DefinitionShape = z.object({ type: z.string(), spec: z.record(z.string(), z.unknown()) });

export const CreateEnvironmentSchema = z.union([
  z.strictObject({ id: IdSchema.optional(), name: NameSchema, description: z.string().max(2000).optional() }),
  DefinitionShape,
]);
export const SetOrganizationRoleSchema = z.strictObject({ role: OrganizationRoleSchema });
export const SetEnvironmentRoleSchema = z.strictObject({ role: EnvironmentRoleSchema.nullable() });

const EnvironmentGrantSchema = z.strictObject({ environmentId: IdSchema, role: EnvironmentRoleSchema });
export const CreateInviteSchema = z.union([
  z.strictObject({
    /** With an email: an email invite (one use, for that address). Without: a link invite. */
    email: z.email().max(320).optional(),
    role: OrganizationRoleSchema.default('member'),
    environments: z.array(EnvironmentGrantSchema).max(100).default([]),
    expiresAt: FutureDateSchema.optional(),
    maxUses: z.int().min(1).max(1_000_000).optional(),
  }),
  DefinitionShape,
]);
export const AcceptInviteSchema = z.strictObject({ code: z.string().min(1).max(200) });

export const CreateOrganizationTokenSchema = z.strictObject({
  name: NameSchema,
  role: z.enum(['admin', 'agent']),
  expiresAt: FutureDateSchema.optional(),
});
export const CreateEnvironmentTokenSchema = z.union([
  z.strictObject({ name: NameSchema, role: EnvironmentRoleSchema, expiresAt: FutureDateSchema.optional() }),
  DefinitionShape,
]);
export const CreateAgentKeySchema = z.strictObject({
  name: NameSchema,
  expiresAt: FutureDateSchema.optional(),
});
export const CreateAccessRequestSchema = z.strictObject({
  role: EnvironmentRoleSchema.default('runner'),
  message: z.string().max(2000).default(''),
});
export const AuditQuerySchema = z.strictObject({
  environmentId: IdSchema.optional(),
  actorId: z.string().max(200).optional(),
  action: z.string().max(200).optional(),
  resourceType: z.string().max(200).optional(),
  after: z.iso.datetime({ offset: true }).optional(),
  before: z.iso.datetime({ offset: true }).optional(),
  take: z.coerce.number().int().min(1).max(1000).optional(),
  skip: z.coerce.number().int().min(0).optional(),
  sortDirection: z.enum(['asc', 'desc']).optional(),
});

// Answers.
export const OrganizationViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  personal: z.boolean(),
  createdAt: z.string(),
  role: OrganizationRoleSchema.optional(),
});
export const EnvironmentViewSchema = z.object({
  id: z.string(),
  organizationId: z.string(),
  name: z.string(),
  createdAt: z.string(),
});
export const MeViewSchema = z.object({
  id: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  organizations: z.array(OrganizationViewSchema),
});
export const MemberViewSchema = z.object({
  userId: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  role: OrganizationRoleSchema,
  createdAt: z.string(),
  environmentRoles: z.record(z.string(), EnvironmentRoleSchema),
});
export const InviteViewSchema = z.object({
  id: z.string(),
  kind: z.enum(['email', 'link']),
  email: z.string().nullable(),
  role: OrganizationRoleSchema,
  environments: z.array(EnvironmentGrantSchema),
  status: z.enum(['pending', 'used', 'expired', 'revoked']),
  createdAt: z.string(),
  sentAt: z.string(),
  expiresAt: z.string().nullable(),
  maxUses: z.number().nullable(),
  uses: z.number(),
});
export const CreatedInviteSchema = z.object({
  invite: InviteViewSchema,
  /** Shown once: the secret the invitee presents to POST /api/invites/accept. */
  code: z.string(),
});
export const TokenViewSchema = z.object({
  id: z.string(),
  kind: z.enum(['org', 'env', 'agent']),
  name: z.string(),
  role: z.string(),
  environmentId: z.string().nullable(),
  displayPrefix: z.string(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export const CreatedTokenSchema = z.object({
  token: TokenViewSchema,
  /** Shown once; only its hash is stored. */
  plaintext: z.string(),
});
export const AccessRequestViewSchema = z.object({
  id: z.string(),
  environmentId: z.string(),
  userId: z.string(),
  role: EnvironmentRoleSchema,
  message: z.string(),
  status: z.enum(['pending', 'approved', 'denied']),
  createdAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
});
export const AuditEntryViewSchema = z.object({
  id: z.number(),
  environmentId: z.string().nullable(),
  actor: z.object({ type: z.enum(['user', 'token', 'system']), id: z.string(), display: z.string() }),
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  at: z.string(),
  details: z.record(z.string(), z.unknown()),
});
export const AuditPageSchema = z.object({ items: z.array(AuditEntryViewSchema), count: z.number() });
