/** The API client of the page, given once at the root and read by every screen. */
import { createContext, type ReactNode, useContext } from 'react';
import type { ApiClient } from './api-client';

const ApiContext = createContext<ApiClient | null>(null);

export function ApiProvider({
  client,
  children,
}: {
  readonly client: ApiClient;
  readonly children: ReactNode;
}) {
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}

/** The API client; screens are always rendered under `ApiProvider`. */
export function useApi(): ApiClient {
  const client = useContext(ApiContext);
  if (client === null)
    throw new Error('useApi() was called outside <ApiProvider>: render the app through main.tsx');
  return client;
}
