import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { type ConfigFile, readConfigFile } from './connection-config';

/** The values `tracecheck configure` saves. */
export interface ConfigValues {
  readonly serverUrl?: string;
  readonly organizationID?: string;
  readonly environmentID?: string;
  readonly token?: string;
}

/**
 * Merges the values into the config file (other keys are kept) and writes it; a file holding a token
 * is readable by its owner only (0600). Returns what the file now holds.
 * @example await saveConfigFile('/home/me/.tracecheck/config.yml', { serverUrl: 'http://localhost:11633' })
 */
export async function saveConfigFile(file: string, values: ConfigValues): Promise<ConfigFile> {
  const existing = readConfigFile(file) ?? {};
  const merged: ConfigFile = { ...existing, ...values };
  if (values.serverUrl !== undefined) {
    // serverUrl replaces Tracetest's scheme/endpoint/serverPath: keeping both would be ambiguous.
    delete merged.scheme;
    delete merged.endpoint;
    delete merged.serverPath;
  }
  await mkdir(path.dirname(file), { recursive: true });
  const secret = typeof merged.token === 'string' && merged.token !== '';
  await writeFile(file, stringify(merged), secret ? { mode: 0o600 } : {});
  // writeFile's mode only applies to a new file.
  if (secret) await chmod(file, 0o600);
  return merged;
}
