import { defaultLanguageChecks } from '@tracecheck/core';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { EventBus } from '../events/event-bus';
import type { AccessControl } from '../identity/access-control';
import { createIdentityRoutes } from '../identity/identity-routes';
import { createSignInRoutes } from '../identity/sso/sign-in-routes';
import type { SignInService } from '../identity/sso/sign-in-service';
import { createMonitorRoutes } from '../monitors/monitor-routes';
import { createMonitorRunner } from '../monitors/monitor-scheduler';
import type { RunService } from '../pipeline/run-service';
import type { SecretBox } from '../store/secret-box';
import type { Scope, Store } from '../store/store';
import type { ApiRoute } from './api-route';
import { buildOpenApiDocument, type OpenApiDocument } from './build-openapi-document';
import { createDataStoreConnectionRoute, type TestDataStoreConnection } from './data-store-connection-route';
import { createEventStreamRoute, DEFAULT_HEARTBEAT_MS } from './event-stream-route';
import { generateShortId } from './generate-short-id';
import { handleApiError, handleUnknownRoute } from './handle-api-error';
import { createResolveExpressionRoute } from './resolve-expression-route';
import { createResourceRoutes } from './resource-routes';
import { createResourceService } from './resource-service';
import { createRunGroupRoutes } from './run-group-routes';
import { createWebAssetsHandler } from './serve-web-assets';
import { createSuiteRunRoutes } from './suite-run-routes';
import { createSystemRoutes } from './system-routes';
import { createTestRunRoutes } from './test-run-routes';

/** What the API server is built from; the composition root (`tracecheck start`, the api process) gives it. */
export interface ApiServerDeps {
  readonly store: Store;
  /** Live events of runs, delivered from whichever replica published them. */
  readonly bus: EventBus;
  /** The run operations of the pipeline. */
  readonly runs: RunService;
  readonly logger: FastifyBaseLogger;
  /** The organization and environment a request acts in (the identity layer replaces the default). */
  readonly resolveScope: (request: FastifyRequest) => Promise<Scope>;
  /** Seals secret values of variable sets; without one they are stored as given (never answered). */
  readonly secretBox?: SecretBox;
  readonly version: string;
  /** True once the process can serve: `/api/health` answers 503 until then. */
  readonly ready: () => boolean;
  /** The clock of computed times (`executionTime` of a running run); default the system clock. */
  readonly now?: () => Date;
  /** Ids of resources created without one; default random 9-character short ids. */
  readonly generateId?: () => string;
  /** Interval of the Server-Sent Events heartbeat; default 15 000 ms. */
  readonly heartbeatMs?: number;
  /** The dashboard's built files, served outside `/api` (the CLI passes the web package's `dist`). */
  readonly webAssetsDir?: string;
  /**
   * Authentication and authorization: every route is checked against its declared permission and
   * the identity routes are served. Absent: no checks (tests of the API alone; the CLI always sets it).
   */
  readonly access?: AccessControl;
  /** Sign-in (SSO, sessions, login links, CLI login): the `/api/auth` routes are served with it. */
  readonly signIn?: SignInService;
  /** Tries a data store through an agent (`POST /api/datastores/connection`); the route is absent without it. */
  readonly testDataStoreConnection?: TestDataStoreConnection;
}

/** Bodies other than definitions (run starts, dry runs) are small. */
const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
const YAML_MEDIA_TYPES = ['text/yaml', 'application/yaml', 'application/x-yaml', 'text/x-yaml'];
/** Ids of resources may be long (names used as ids); Fastify's default is 100. */
const MAX_PARAM_LENGTH = 256;

/** Changes of settings and secrets are audited whatever route makes them. */
const AUDITED_PERMISSIONS = new Set(['env.settings.write', 'env.secrets.write']);

function registerRoute(app: FastifyInstance, route: ApiRoute, access?: AccessControl): void {
  const permission = route.permission;
  for (const url of [route.url, ...route.legacyUrls]) {
    app.route({
      method: route.method,
      url,
      ...(access === undefined
        ? {}
        : {
            onRequest: async (request) => access.authorize(request, permission),
            ...(AUDITED_PERMISSIONS.has(permission)
              ? {
                  onResponse: async (request, reply) => {
                    if (reply.statusCode >= 400) return;
                    const scope = access.accessOf(request);
                    if (scope?.organizationId === undefined) return;
                    await access
                      .audit(request, {
                        organizationId: scope.organizationId,
                        environmentId: scope.environmentId ?? null,
                        action: permission,
                        resourceType: route.tags[0] ?? 'resource',
                        resourceId: request.url.split('?')[0] ?? '',
                        details: {
                          method: request.method,
                          operationId: route.operationId,
                          status: reply.statusCode,
                        },
                      })
                      .catch((error: unknown) =>
                        request.log.error({ err: error }, 'writing the audit log failed'),
                      );
                  },
                }
              : {}),
          }),
      ...(route.bodyLimitBytes === undefined ? {} : { bodyLimit: route.bodyLimitBytes }),
      handler: async (request, reply) => {
        const result = await route.run(request, reply);
        switch (result.kind) {
          case 'json':
            return reply
              .status(result.status)
              .headers(result.headers ?? {})
              .type('application/json; charset=utf-8')
              .send(result.body);
          case 'text':
            return reply.status(result.status).type(result.contentType).send(result.body);
          case 'bytes':
            return reply
              .status(result.status)
              .type(result.contentType)
              .send(Buffer.from(result.body.buffer, result.body.byteOffset, result.body.byteLength));
          case 'empty':
            return reply.status(result.status).send();
          case 'hijacked':
            return reply;
        }
      },
    });
  }
}

/**
 * The HTTP API of the control plane under `/api` (SPEC Appendix A, so Tracetest clients work): resources
 * as YAML or JSON, runs of tests and suites, JUnit, live events over Server-Sent Events, health, and the
 * OpenAPI document generated from the schemas that validate every request.
 * @example
 * const app = createApiServer({ store, bus, runs, logger, resolveScope, version: '0.1.0', ready: () => true });
 * await app.listen({ port: 11633 });
 */
export function createApiServer(deps: ApiServerDeps): FastifyInstance {
  const now = deps.now ?? (() => new Date());
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: DEFAULT_BODY_LIMIT_BYTES,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    return503OnClosing: true,
  });

  // A POST without a body but with Content-Type: application/json (some clients send it on every
  // request) is a request without a body, not invalid JSON.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') done(null, undefined);
    else parseJson(request, text, done);
  });
  app.addContentTypeParser(YAML_MEDIA_TYPES, { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );

  app.setErrorHandler(handleApiError);
  if (deps.webAssetsDir) {
    const serveWebAsset = createWebAssetsHandler(deps.webAssetsDir);
    app.setNotFoundHandler(async (request, reply) => {
      if (!(await serveWebAsset(request, reply))) handleUnknownRoute(request, reply);
    });
  } else {
    app.setNotFoundHandler(handleUnknownRoute);
  }

  const openStreams = new Set<() => void>();
  // Open event streams would keep the server from closing.
  app.addHook('preClose', (done) => {
    for (const close of [...openStreams]) close();
    done();
  });

  const resources = createResourceService({
    store: deps.store,
    generateId: deps.generateId ?? (() => generateShortId()),
    ...(deps.secretBox === undefined ? {} : { secretBox: deps.secretBox }),
    // A test whose selector or assertion does not parse is rejected on apply, as on validate.
    languageChecks: defaultLanguageChecks,
  });
  let document: OpenApiDocument | undefined;
  const routes: ApiRoute[] = [
    ...createSystemRoutes({
      version: deps.version,
      ready: deps.ready,
      openApiDocument: () => {
        document ??= buildOpenApiDocument(routes, { version: deps.version });
        return document;
      },
    }),
    ...createResourceRoutes({ resources, resolveScope: deps.resolveScope }),
    ...createTestRunRoutes({ store: deps.store, runs: deps.runs, resolveScope: deps.resolveScope, now }),
    ...createSuiteRunRoutes({ store: deps.store, runs: deps.runs, resolveScope: deps.resolveScope, now }),
    ...createMonitorRoutes({
      store: deps.store,
      runner: createMonitorRunner({
        store: deps.store,
        runs: deps.runs,
        logger: deps.logger,
        nowMs: () => now().getTime(),
      }),
      resolveScope: deps.resolveScope,
    }),
    ...createRunGroupRoutes({
      store: deps.store,
      bus: deps.bus,
      resolveScope: deps.resolveScope,
      now,
      generateId: deps.generateId ?? (() => generateShortId()),
    }),
    createResolveExpressionRoute({
      store: deps.store,
      resolveScope: deps.resolveScope,
      ...(deps.secretBox === undefined ? {} : { secretBox: deps.secretBox }),
    }),
    createEventStreamRoute({
      store: deps.store,
      bus: deps.bus,
      resolveScope: deps.resolveScope,
      now,
      heartbeatMs: deps.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
      openStreams,
    }),
    ...(deps.testDataStoreConnection
      ? [
          createDataStoreConnectionRoute({
            resolveScope: deps.resolveScope,
            testConnection: deps.testDataStoreConnection,
          }),
        ]
      : []),
  ];
  if (deps.access) routes.push(...createIdentityRoutes({ store: deps.store, access: deps.access, now }));
  if (deps.signIn) {
    routes.push(
      ...createSignInRoutes({
        signIn: deps.signIn,
        users: deps.store.identity,
        currentUserId: async (request) => deps.access?.accessOf(request)?.user?.id,
      }),
    );
  }
  for (const route of routes) registerRoute(app, route, deps.access);
  return app;
}

/**
 * The scope of a request from the `x-organization-id` and `x-environment-id` headers the Tracetest CLI
 * sends, each defaulting to the given one (the single local organization and environment of embedded
 * mode). The identity layer replaces this with the token's scope.
 * @example createHeaderScopeResolver({ organizationId: 'local', environmentId: 'default' })
 */
export function createHeaderScopeResolver(defaults: Scope): (request: FastifyRequest) => Promise<Scope> {
  return async (request) => {
    const organization = request.headers['x-organization-id'];
    const environment = request.headers['x-environment-id'];
    return {
      organizationId:
        typeof organization === 'string' && organization !== '' ? organization : defaults.organizationId,
      environmentId:
        typeof environment === 'string' && environment !== '' ? environment : defaults.environmentId,
    };
  };
}
