import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import protobuf from 'protobufjs';
import type { ProtoImportFile, TriggerContext } from './trigger';
import { failTriggerRequest, readErrorCode } from './trigger-error';

/** Name of the trigger's own proto file in the temporary directory. */
const MAIN_FILE = 'tracecheck-trigger.proto';

/**
 * Loads a trigger's proto file and the files it imports into a protobufjs root (field names as written,
 * `keepCase`). The files are written to a fresh temporary directory, which is the import root (as
 * `protoc -I`), and removed afterwards. `google/protobuf/*.proto` imports resolve to the bundled
 * well-known types. A file that does not parse, or an import that is missing, fails the trigger.
 */
export async function loadProtoFile(
  protobufFile: string,
  importFiles: readonly ProtoImportFile[],
  context: TriggerContext,
): Promise<protobuf.Root> {
  const directory = await mkdtemp(join(tmpdir(), 'tracecheck-proto-'));
  try {
    for (const file of importFiles) {
      const path = join(directory, checkImportPath(file.path, context));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.content);
    }
    await writeFile(join(directory, MAIN_FILE), protobufFile);
    const root = new protobuf.Root();
    root.resolvePath = (origin, target) => {
      const inRoot = join(directory, target);
      return isAbsolute(target) || !existsSync(inRoot) ? protobuf.util.path.resolve(origin, target) : inRoot;
    };
    try {
      root.loadSync(join(directory, MAIN_FILE), { keepCase: true });
      root.resolveAll();
    } catch (error) {
      throw describeLoadError(error, directory, context);
    }
    return root;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function checkImportPath(path: string, context: TriggerContext): string {
  const normalized = normalize(path);
  if (path === '' || isAbsolute(path) || normalized.split(sep).includes('..') || normalized === MAIN_FILE) {
    throw failTriggerRequest(
      `import file path "${path}" is not usable: expected a relative path inside the import root, other than "${MAIN_FILE}"`,
      'give each imported file the path its import line names, e.g. "shop/common.proto"',
      context,
    );
  }
  return normalized;
}

function describeLoadError(error: unknown, directory: string, context: TriggerContext) {
  const message = (error instanceof Error ? error.message : String(error)).replaceAll(
    `${directory}${sep}`,
    '',
  );
  if (readErrorCode(error) === 'ENOENT') {
    const missing = /open '([^']*)'/.exec(message)?.[1] ?? message;
    return failTriggerRequest(
      `the proto file imports "${missing}", which was not given`,
      'add the imported file to importFiles with the path its import line names',
      context,
    );
  }
  return failTriggerRequest(
    `the proto file could not be loaded: ${message.replaceAll(MAIN_FILE, 'protobufFile')}`,
    'check the protobufFile of the trigger (and its import files) with protoc',
    context,
  );
}
