import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TracecheckError } from '@tracecheck/core';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { stringify } from 'yaml';
import { connectServer } from '../config/connect-server';
import { displayPath, expandDefinitionPaths } from '../files';
import { type CliIo, createPaint, useColor } from '../io';
import { type AppliedDefinition, applyDefinitionFile, resourceOfType } from '../resources/apply-definition';
import { type CliResource, findCliResource } from '../resources/cli-resources';
import {
  ALL_RESOURCES,
  deleteIdentity,
  getIdentity,
  isIdentityResource,
  listIdentity,
} from '../resources/identity-resources';
import { renderTable } from '../resources/render-table';
import type { ServerClient } from '../server-client';
import {
  addConnectionOptions,
  type ConnectionOptions,
  connectionFlags,
  type OutputFormat,
  outputOf,
} from './connection-options';

type SetExit = (code: number) => void;
type Spec = Record<string, unknown>;
interface View {
  readonly type: string;
  readonly spec: Spec;
}

interface IdOptions extends ConnectionOptions {
  readonly id?: string;
}

function parseCount(flag: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value))
      throw new InvalidArgumentError(`${flag} takes a whole number ≥ 0, got "${value}"`);
    return Number(value);
  };
}

/** The id of `get test ID` or `get test --id ID`; singletons default to `current`. */
function idOf(resource: CliResource, positional: string | undefined, options: IdOptions, verb: string) {
  if (positional && options.id && positional !== options.id) {
    throw new TracecheckError(
      'REQUEST_INVALID',
      `two different ids given ("${positional}" and --id "${options.id}"): give one`,
    );
  }
  const id = positional ?? options.id ?? (resource.singleton ? 'current' : undefined);
  if (!id) {
    throw new TracecheckError(
      'REQUEST_INVALID',
      `say which ${resource.name}: \`tracecheck ${verb} ${resource.name} ID\` (list them with \`tracecheck list ${resource.name}\`)`,
    );
  }
  return id;
}

function tableOf(resource: CliResource, specs: readonly Spec[], client: ServerClient): string {
  const context = { serverUrl: client.serverUrl.replace(/\/+$/, '') };
  return renderTable(
    resource.columns.map((c) => c.header),
    specs.map((spec) => resource.columns.map((c) => c.value(spec, context))),
  );
}

function isNotFound(error: unknown): boolean {
  return error instanceof TracecheckError && error.code === 'NOT_FOUND';
}

/** One item printed as `-o yaml` (a `---` document), `-o json` or a table. */
function renderView(resource: CliResource, view: View, output: OutputFormat, client: ServerClient): string {
  if (output === 'yaml') return `---\n${stringify(view)}`;
  if (output === 'json') return `${JSON.stringify(view, null, 2)}\n`;
  return tableOf(resource, [view.spec], client);
}

const path_ = (resource: CliResource, id?: string) =>
  `/${resource.plural}${id === undefined ? '' : `/${encodeURIComponent(id)}`}`;

/** `tracecheck apply [resource] -f FILE...` (SPEC §9.2): upsert, print the stored resource, write ids back. */
async function applyCommand(
  io: CliIo,
  name: string | undefined,
  options: ConnectionOptions & { file?: string[] },
  output: OutputFormat,
): Promise<number> {
  const expected = name === undefined ? undefined : findCliResource(name, ALL_RESOURCES);
  const files = options.file ?? [];
  if (files.length === 0) {
    throw new TracecheckError(
      'REQUEST_INVALID',
      'say what to apply: tracecheck apply -f FILE [-f FILE2 …] (or a directory)',
    );
  }
  const client = connectServer(io, connectionFlags(options));
  const paths = await expandDefinitionPaths(io.cwd, files);
  let code = 0;
  const applied: {
    file: string;
    type: string;
    answer: View | string;
    secret?: AppliedDefinition['secret'];
  }[] = [];
  for (const file of paths) {
    try {
      const result = await applyDefinitionFile(io, client, file, {
        ...(expected ? { expected } : {}),
        format: output === 'yaml' ? 'yaml' : 'json',
      });
      for (const warning of result.warnings) io.stderr.write(`${warning}\n`);
      applied.push({
        file,
        type: result.resource.type,
        answer: result.answer,
        ...(result.secret ? { secret: result.secret } : {}),
      });
    } catch (error) {
      if (
        !(error instanceof TracecheckError) ||
        error.code === 'SERVER_UNREACHABLE' ||
        error.code.startsWith('AUTH_')
      ) {
        throw error;
      }
      io.stderr.write(`✘ ${error.message}\n`);
      code = Math.max(code, error.exitCode);
    }
  }
  if (output === 'yaml') {
    for (const a of applied) io.stdout.write(`---\n${a.answer as string}`);
  } else if (output === 'json') {
    const views = applied.map((a) => a.answer);
    io.stdout.write(`${JSON.stringify(views.length === 1 ? views[0] : views, null, 2)}\n`);
  } else if (applied.length > 0) {
    const rows = applied.map((a) => {
      const view = a.answer as View;
      return [
        resourceOfType(a.type)?.name ?? a.type,
        String(view.spec.id ?? ''),
        String(view.spec.name ?? ''),
        displayPath(io.cwd, a.file),
      ];
    });
    io.stdout.write(renderTable(['RESOURCE', 'ID', 'NAME', 'FILE'], rows));
  }
  for (const { secret, type } of applied) {
    if (!secret) continue;
    // Only a hash is stored: this is the one time anybody sees it.
    if (output === 'pretty') io.stdout.write(`\n${type} ${secret.label}: ${secret.value}\n`);
    io.stderr.write(
      `⚠ store the ${secret.label}${output === 'pretty' ? '' : ` (\`${secret.field}:\` above)`} now: it is shown only this once and cannot be read again\n`,
    );
  }
  return code;
}

async function getCommand(
  io: CliIo,
  name: string,
  id: string | undefined,
  options: IdOptions,
  output: OutputFormat,
) {
  const resource = findCliResource(name, ALL_RESOURCES);
  const resourceId = idOf(resource, id, options, 'get');
  const client = connectServer(io, connectionFlags(options));
  if (isIdentityResource(resource)) {
    const spec = await getIdentity(client, resource, resourceId);
    if (!spec) io.stdout.write(`Resource ${resource.name} with ID ${resourceId} not found\n`);
    else io.stdout.write(renderView(resource, { type: resource.type, spec }, output, client));
    return 0;
  }
  try {
    if (output === 'yaml') {
      io.stdout.write(`---\n${await client.text('GET', path_(resource, resourceId), 'text/yaml')}`);
    } else {
      const view = await client.json<View>('GET', path_(resource, resourceId));
      io.stdout.write(
        output === 'json' ? `${JSON.stringify(view, null, 2)}\n` : tableOf(resource, [view.spec], client),
      );
    }
  } catch (error) {
    // SPEC §9.2: an unknown id is a message, not a failure.
    if (!isNotFound(error)) throw error;
    io.stdout.write(`Resource ${resource.name} with ID ${resourceId} not found\n`);
  }
  return 0;
}

interface ListOptions extends ConnectionOptions {
  readonly take: number;
  readonly skip: number;
  readonly sortBy?: string;
  readonly sortDirection?: string;
  readonly all?: boolean;
}

async function listCommand(io: CliIo, name: string, options: ListOptions, output: OutputFormat) {
  const resource = findCliResource(name, ALL_RESOURCES);
  const client = connectServer(io, connectionFlags(options));
  const { sortBy, sortDirection } = options;
  const query = new URLSearchParams({
    take: String(options.take),
    skip: String(options.skip),
    ...(sortBy ? { sortBy } : {}),
    ...(sortDirection ? { sortDirection } : {}),
    ...(options.all ? { all: 'true' } : {}),
  });
  const url = `${path_(resource)}?${query}`;
  let page: { count: number; items: View[] };
  if (isIdentityResource(resource)) {
    // The identity routes answer every item: the page is cut here.
    const all = (await listIdentity(client, resource)).map((spec) => ({ type: resource.type, spec }));
    const items = options.all ? all : all.slice(options.skip, options.skip + options.take);
    page = { count: all.length, items };
    if (output === 'yaml') {
      io.stdout.write(items.map((item) => `---\n${stringify(item)}`).join(''));
      return 0;
    }
  } else if (output === 'yaml') {
    io.stdout.write(await client.text('GET', url, 'text/yaml-stream'));
    return 0;
  } else {
    page = await client.json<{ count: number; items: View[] }>('GET', url);
  }
  if (output === 'json') {
    io.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
    return 0;
  }
  if (page.count === 0) {
    io.stdout.write(
      resource.readOnly
        ? `no ${resource.name} yet\n`
        : `no ${resource.name} yet: apply one with \`tracecheck apply ${resource.name} -f FILE\`\n`,
    );
    return 0;
  }
  io.stdout.write(
    tableOf(
      resource,
      page.items.map((item) => item.spec),
      client,
    ),
  );
  const shown = page.items.length;
  if (!options.all && options.skip + shown < page.count) {
    io.stdout.write(
      `\n${shown === 0 ? 'none' : `${options.skip + 1}–${options.skip + shown}`} of ${page.count}: next page with --skip ${options.skip + Math.max(shown, options.take)}, or every item with --all\n`,
    );
  }
  return 0;
}

async function deleteCommand(io: CliIo, name: string, id: string | undefined, options: IdOptions) {
  const resource = findCliResource(name, ALL_RESOURCES);
  const resourceId = idOf(resource, id, options, 'delete');
  const client = connectServer(io, connectionFlags(options));
  const deleting = isIdentityResource(resource)
    ? deleteIdentity(client, resource, resourceId)
    : client.json('DELETE', path_(resource, resourceId));
  await deleting.catch((error: unknown) => {
    if (isNotFound(error)) {
      throw new TracecheckError(
        'NOT_FOUND',
        `${resource.type} "${resourceId}" not found: list them with \`tracecheck list ${resource.name}\``,
      );
    }
    throw error;
  });
  const paint = createPaint(useColor(io));
  io.stdout.write(
    isIdentityResource(resource)
      ? `${paint.green('✔')} ${resource.type} "${resourceId}" ${resource.deleted}\n`
      : resource.singleton
        ? `${paint.green('✔')} ${resource.type} reset to its default\n`
        : `${paint.green('✔')} ${resource.type} "${resourceId}" deleted\n`,
  );
  return 0;
}

async function exportCommand(
  io: CliIo,
  name: string,
  id: string | undefined,
  options: IdOptions & { file: string },
) {
  const resource = findCliResource(name, ALL_RESOURCES);
  const resourceId = idOf(resource, id, options, 'export');
  const client = connectServer(io, connectionFlags(options));
  const yamlText = await (isIdentityResource(resource)
    ? getIdentity(client, resource, resourceId).then((spec) => {
        if (!spec) throw new TracecheckError('NOT_FOUND', `${resource.type} "${resourceId}" not found`);
        return stringify({ type: resource.type, spec });
      })
    : client.text('GET', path_(resource, resourceId), 'text/yaml')
  ).catch((error: unknown) => {
    if (isNotFound(error)) {
      throw new TracecheckError(
        'NOT_FOUND',
        `${resource.type} "${resourceId}" not found: list them with \`tracecheck list ${resource.name}\``,
      );
    }
    throw error;
  });
  const out = path.resolve(io.cwd, options.file);
  await mkdir(path.dirname(out), { recursive: true })
    .then(() => writeFile(out, yamlText))
    .catch((error: Error) => {
      throw new TracecheckError('FILE_UNREADABLE', `cannot write "${options.file}": ${error.message}`);
    });
  const paint = createPaint(useColor(io));
  io.stdout.write(
    `${paint.green('✔')} ${resource.type} "${resourceId}" exported to ${displayPath(io.cwd, out)}\n`,
  );
  return 0;
}

const RESOURCE_ARGUMENT =
  'test, testsuite, variableset, pollingprofile, datastore, analyzer, config, demo, testrunner, monitor, organization, environment, member, invite, token';

/** `apply`, `get`, `list`, `delete`, `export` for every resource kind (SPEC §9.2, Appendix A). */
export function registerResourceCommands(program: Command, io: CliIo, setExit: SetExit): void {
  addConnectionOptions(
    program
      .command('apply')
      .description('create or update resources from definition files; writes generated ids back into them')
      .argument('[resource]', `check that the files are of this kind: ${RESOURCE_ARGUMENT}`)
      .option('-f, --file <files...>', 'definition file(s) or directories'),
  ).action(
    async (name: string | undefined, options: ConnectionOptions & { file?: string[] }, command: Command) => {
      setExit(await applyCommand(io, name, options, outputOf(command, 'yaml')));
    },
  );

  addConnectionOptions(
    program
      .command('get')
      .description('print one resource (yaml by default; -o json, -o pretty for a table)')
      .argument('<resource>', RESOURCE_ARGUMENT)
      .argument('[id]', 'its id (singletons: current)')
      .option('--id <id>', 'its id, as Tracetest spells it'),
  ).action(async (name: string, id: string | undefined, options: IdOptions, command: Command) => {
    setExit(await getCommand(io, name, id, options, outputOf(command, 'yaml')));
  });

  addConnectionOptions(
    program
      .command('list')
      .description('list resources as a table (-o json, -o yaml)')
      .argument('<resource>', RESOURCE_ARGUMENT)
      .option('--take <n>', 'page size', parseCount('--take'), 20)
      .option('--skip <n>', 'items skipped before the page', parseCount('--skip'), 0)
      .addOption(
        new Option('--sort-by <field>', 'sort field').choices([
          'createdAt',
          'created',
          'updatedAt',
          'name',
          'id',
          'last_run',
        ]),
      )
      .addOption(
        new Option('--sort-direction <direction>', 'sort direction (default desc)').choices(['asc', 'desc']),
      )
      .addOption(
        new Option('--sortBy <field>', 'Tracetest spelling of --sort-by')
          .choices(['createdAt', 'created', 'updatedAt', 'name', 'id', 'last_run'])
          .hideHelp(),
      )
      .addOption(
        new Option('--sortDirection <direction>', 'Tracetest spelling of --sort-direction')
          .choices(['asc', 'desc'])
          .hideHelp(),
      )
      .option('--all', 'every item, ignoring --take and --skip', false),
  ).action(async (name: string, options: ListOptions, command: Command) => {
    setExit(await listCommand(io, name, options, outputOf(command, 'pretty')));
  });

  addConnectionOptions(
    program
      .command('delete')
      .description('delete a resource (a singleton goes back to its default)')
      .argument('<resource>', RESOURCE_ARGUMENT)
      .argument('[id]', 'its id')
      .option('--id <id>', 'its id, as Tracetest spells it'),
  ).action(async (name: string, id: string | undefined, options: IdOptions) => {
    setExit(await deleteCommand(io, name, id, options));
  });

  addConnectionOptions(
    program
      .command('export')
      .description('write a resource as a YAML definition file')
      .argument('<resource>', RESOURCE_ARGUMENT)
      .argument('[id]', 'its id')
      .option('--id <id>', 'its id, as Tracetest spells it')
      .option('-f, --file <file>', 'the file to write', 'resource.yaml'),
  ).action(async (name: string, id: string | undefined, options: IdOptions & { file: string }) => {
    setExit(await exportCommand(io, name, id, options));
  });
}
