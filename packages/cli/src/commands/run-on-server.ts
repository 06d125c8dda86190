import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type RequiredGate, TracecheckError } from '@tracecheck/core';
import { stringify } from 'yaml';
import { connectServer } from '../config/connect-server';
import { type CliIo, createPaint, useColor } from '../io';
import type { GroupReport, RunItem } from '../report/group-report';
import { exitCodeOf } from '../report/group-report';
import { renderRunJUnit } from '../report/junit';
import { renderGroupMarkdown } from '../report/markdown';
import { renderGroupPretty } from '../report/pretty';
import { groupToObject, runItemToObject } from '../report/structured';
import { applyDefinitionFile, resourceOfType } from '../resources/apply-definition';
import type { ServerClient } from '../server-client';
import { type RunFile, type RunKind, selectRunFiles } from './run-files';
import { type RunContext, type RunTarget, runTarget, type StartedRun } from './run-one';
import { createRunProgress } from './run-progress';

export interface ServerRunOptions {
  readonly kind: RunKind;
  /** Definition files and directories (`-f`); empty with `id`. */
  readonly files: readonly string[];
  /** A stored test or suite to run (`--id`). */
  readonly id?: string;
  /** With `id`: the stored version of the test to run (`--resource-version`); a suite's must be its latest. */
  readonly version?: number;
  readonly serverUrl?: string;
  readonly token?: string;
  readonly vars?: string;
  readonly requiredGates?: readonly RequiredGate[];
  readonly group?: string;
  readonly junit?: string;
  readonly markdown?: string;
  readonly skipResultWait?: boolean;
  readonly output: string;
}

const PLURAL: Readonly<Record<RunKind, string>> = { test: 'tests', testsuite: 'testsuites' };

/** Applies one definition file and says what to run; a file that cannot be applied becomes a not-started item. */
async function targetOfFile(io: CliIo, client: ServerClient, file: RunFile): Promise<RunTarget | RunItem> {
  try {
    const { id, resource } = await applyDefinitionFile(io, client, file.path);
    const spec = resource.spec as { name?: string; steps?: unknown[] };
    if (resource.type !== 'Test' && resource.type !== 'TestSuite') {
      return {
        kind: 'not-started',
        file: file.shown,
        code: 1,
        message: `it is a ${resource.type}: only tests and test suites run (apply it with \`tracecheck apply\`)`,
      };
    }
    return {
      kind: resource.type === 'Test' ? 'test' : 'suite',
      id,
      name: spec.name || id,
      file: file.shown,
      ...(resource.type === 'TestSuite' ? { stepCount: spec.steps?.length ?? 0 } : {}),
    };
  } catch (error) {
    // A file that cannot be read is an invalid definition file (SPEC §9.3, exit 3).
    if (error instanceof TracecheckError && error.code.startsWith('FILE_'))
      return { kind: 'not-started', file: file.shown, code: 3, message: error.message };
    if (error instanceof TracecheckError)
      return { kind: 'not-started', file: file.shown, code: 1, message: error.message };
    throw error;
  }
}

/**
 * `run … --id ID [--resource-version N]`: the stored resource, checked to exist; a test runs at that
 * version (the server answers 404 for a version it does not have), a suite only at its latest.
 */
async function targetOfId(client: ServerClient, options: ServerRunOptions, id: string): Promise<RunTarget> {
  const plural = PLURAL[options.kind];
  const latest = await client.getResource(plural, id);
  if (options.version !== undefined && latest.version !== options.version) {
    // Fails with NOT_FOUND when there is no such version at all.
    await client.getResourceVersion(plural, id, options.version);
    if (options.kind === 'test')
      return { kind: 'test', id, name: latest.name || id, version: options.version };
    throw new TracecheckError(
      'REQUEST_INVALID',
      `${options.kind} "${id}" is at version ${latest.version ?? '?'}, and a suite run always uses the stored (latest) version: ` +
        `drop --resource-version to run version ${latest.version ?? '?'}, or apply the definition of version ${options.version} again to make it the latest`,
    );
  }
  return { kind: options.kind === 'test' ? 'test' : 'suite', id, name: latest.name || id };
}

async function writeReport(io: CliIo, file: string, text: string, what: string): Promise<boolean> {
  try {
    await writeFile(path.resolve(io.cwd, file), text);
    return true;
  } catch (error) {
    io.stderr.write(`✘ cannot write the ${what} "${file}": ${(error as Error).message}\n`);
    return false;
  }
}

/**
 * `run test|testsuite -f FILE|DIR… | --id ID` against a server: applies every definition, starts all
 * runs at once as one run group, follows them on the live event stream, prints the report and writes
 * the JUnit and Markdown files; answers the one exit code of the group.
 */
export async function runOnServer(io: CliIo, options: ServerRunOptions): Promise<number> {
  const client = connectServer(io, {
    ...(options.serverUrl ? { serverUrl: options.serverUrl } : {}),
    ...(options.token ? { token: options.token } : {}),
  });
  const paint = createPaint(useColor(io));
  const errPaint = createPaint(
    (io.env.NO_COLOR === undefined || io.env.NO_COLOR === '') && io.stderr.isTTY === true,
  );
  const nowMs = () => Date.now();
  const startedAtMs = nowMs();

  let files: readonly RunFile[] = [];
  let skipped: GroupReport['skipped'] = [];
  let asGroup = false;
  if (options.id === undefined) {
    const selection = await selectRunFiles(io, options.kind, options.files);
    if (!selection.ok) {
      io.stderr.write(
        `Invalid definition file found, stopping execution: cannot read "${selection.missing}": no such file or directory\n`,
      );
      return 3;
    }
    ({ files, skipped, group: asGroup } = selection);
    for (const s of skipped) io.stderr.write(`${errPaint.dim(`skipped ${s.shown}: ${s.reason}`)}\n`);
    if (files.length === 0) {
      const what = options.kind === 'test' ? 'Test' : 'TestSuite';
      io.stderr.write(
        `✘ no ${what} definition to run in ${options.files.join(', ')}: give .yaml files with "type: ${what}"` +
          `${options.kind === 'test' ? ' (or use `tracecheck run testsuite` for suites)' : ''}\n`,
      );
      return 1;
    }
  }

  let variableSetId: string | undefined;
  if (options.vars) {
    const varsFile = path.resolve(io.cwd, options.vars);
    variableSetId = existsSync(varsFile)
      ? (await applyDefinitionFile(io, client, varsFile, { expected: resourceOfType('VariableSet')! })).id
      : options.vars;
  }

  // A run by id is checked before anything is created, so a wrong id or version leaves no trace.
  const idTarget = options.id === undefined ? undefined : await targetOfId(client, options, options.id);
  // The server stores the group (`/api/rungroups`, idempotent for a given -g id); an older server
  // without that API still gets the id on every run, so the runs can be listed by it.
  const created = await client.createRunGroup({
    ...(options.group ? { id: options.group } : {}),
    source: 'cli',
    metadata: { command: `run ${options.kind}` },
  });
  const runGroupId = created?.id ?? options.group ?? randomUUID();

  const progress = createRunProgress(io.stderr, errPaint, nowMs);
  const context: RunContext = {
    client,
    progress,
    runGroupId,
    ...(variableSetId ? { variableSetId } : {}),
    ...(options.requiredGates ? { requiredGates: options.requiredGates } : {}),
    skipResultWait: options.skipResultWait === true,
    nowMs,
  };
  const count = options.id === undefined ? files.length : 1;
  io.stderr.write(
    `Running ${count} ${options.kind === 'test' ? 'test' : 'test suite'}${count === 1 ? '' : 's in parallel'} as run group ${runGroupId} on ${client.serverUrl}\n`,
  );

  let outcomes: (RunItem | StartedRun)[];
  if (idTarget !== undefined) {
    progress.add(idTarget.id, idTarget.name);
    outcomes = [await runTarget(context, idTarget)];
  } else {
    for (const file of files) progress.add(file.shown, file.shown);
    outcomes = await Promise.all(
      files.map(async (file) => {
        const target = await targetOfFile(io, client, file);
        if (!('id' in target)) {
          progress.update(file.shown, 'NOT STARTED', target.kind === 'not-started' ? target.message : '');
          return target;
        }
        return runTarget(context, target);
      }),
    );
  }
  progress.close();

  if (options.skipResultWait) {
    for (const outcome of outcomes) {
      if (outcome.kind === 'started')
        io.stdout.write(`${paint.green('✔')} ${outcome.name} (${outcome.link}) started\n`);
      else if (outcome.kind === 'not-started') io.stderr.write(`✘ ${outcome.file}: ${outcome.message}\n`);
    }
    const items = outcomes.filter((o): o is RunItem => o.kind === 'not-started');
    if (items.some((item) => item.kind === 'not-started' && item.code === 3)) return 3;
    return items.length > 0 ? 1 : 0;
  }

  const items = outcomes.filter((o): o is RunItem => o.kind !== 'started');
  const group: GroupReport = {
    runGroupId,
    serverUrl: client.serverUrl,
    items,
    skipped,
    durationMs: nowMs() - startedAtMs,
  };
  if (options.output === 'json' || options.output === 'yaml') {
    const [only] = items;
    const value = !asGroup && only ? runItemToObject(only) : groupToObject(group);
    io.stdout.write(options.output === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value));
  } else {
    io.stdout.write(renderGroupPretty(group, paint, asGroup));
  }
  let written = true;
  if (options.junit)
    written = await writeReport(io, options.junit, `${renderRunJUnit(group, asGroup)}\n`, 'JUnit report');
  if (options.markdown)
    written =
      (await writeReport(io, options.markdown, renderGroupMarkdown(group), 'Markdown summary')) && written;
  const code = exitCodeOf(items, asGroup);
  // SPEC §9.4: a report that cannot be written is an error (1), whatever the runs did.
  return written || code === 3 ? code : 1;
}
