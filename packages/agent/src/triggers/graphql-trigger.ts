import { findHeader } from './header-list';
import { prepareHttpRequest } from './http-trigger';
import { measureTrigger } from './measure-trigger';
import { sendHttpRequest } from './send-http-request';
import type { GraphqlBody, GraphqlRequest, Trigger } from './trigger';

/**
 * The GraphQL trigger (SPEC §2.8): `POST url` with the JSON body `{query, variables, operationName}`
 * through the HTTP trigger, with `auth` applied (Q19, Tracetest drops it). `Content-Type:
 * application/json` is added when the request sets none, since GraphQL servers reject other bodies.
 */
export const graphqlTrigger: Trigger<GraphqlRequest> = {
  type: 'graphql',
  fire: (request, context) =>
    measureTrigger('graphql', context, async () => {
      const headers = request.headers ?? [];
      const prepared = prepareHttpRequest(
        {
          method: 'POST',
          url: request.url,
          headers:
            findHeader(headers, 'Content-Type') === undefined
              ? [...headers, { key: 'Content-Type', value: 'application/json' }]
              : headers,
          body: encodeGraphqlBody(request.body ?? {}),
          ...(request.auth && { auth: request.auth }),
          sslVerification: request.sslVerification ?? false,
        },
        context,
      );
      return { type: 'graphql', graphql: await sendHttpRequest(prepared, context) };
    }),
};

/**
 * The JSON body of a GraphQL request, empty fields omitted (as Go's `omitempty`).
 * @example encodeGraphqlBody({query: '{ a }'}) // '{"query":"{ a }"}'
 */
export function encodeGraphqlBody(body: GraphqlBody): string {
  const variables = body.variables ?? {};
  return JSON.stringify({
    ...(body.query && { query: body.query }),
    ...(Object.keys(variables).length > 0 && { variables }),
    ...(body.operationName && { operationName: body.operationName }),
  });
}
