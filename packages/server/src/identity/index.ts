/**
 * Identity and access: the permission table, opaque tokens, the access control of the API, the
 * identity routes and the `IdentityStore` interface (implemented by `store.identity`), plus the
 * bootstrap of the first admin token.
 */
export {
  type AccessControl,
  type AccessControlOptions,
  createAccessControl,
  type Principal,
  type PrincipalResolver,
  type RequestAccess,
  type TokenPrincipal,
  type UserPrincipal,
} from './access-control';
export {
  type BootstrapOutcome,
  bootstrapAdminToken,
  ensureLocalOwnerToken,
  type LocalOwnerToken,
} from './bootstrap';
export * from './identity-store';
export * from './permissions';
export { type GeneratedToken, generateToken, hashSecret, parseTokenKind, TOKEN_PREFIXES } from './tokens';
