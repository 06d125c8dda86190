import type { PrincipalResolver } from '../access-control';
import type { SignInService } from './sign-in-service';

export type { SessionStore } from './session-store';
export {
  type ResolvedSignInConfig,
  resolveSignInConfig,
  type SignInOptions,
  SignInOptionsSchema,
} from './sign-in-config';
export { createSignInRoutes, type SignInRoutesDeps } from './sign-in-routes';
export {
  CSRF_HEADER,
  createSignInService,
  type SessionPrincipal,
  type SignInService,
  type SignInServiceDeps,
} from './sign-in-service';

/**
 * The sign-in layer's principal resolver for the access control: a session cookie (CSRF-checked on
 * writes) or a CLI token (`tc_cli_…`) becomes the signed-in user; other requests are left to the next
 * resolver.
 * @example access.addPrincipalResolver(createSessionPrincipalResolver(signIn))
 */
export function createSessionPrincipalResolver(signIn: SignInService): PrincipalResolver {
  return (request) => signIn.resolvePrincipal(request);
}
