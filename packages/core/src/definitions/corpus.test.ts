/**
 * The 313 real Tracetest files of /work/shared/corpus/tracetest (beside the repository, not part of it):
 * every file must read without error and every resource must survive print → parse. A file with one
 * document is read as `apply`/`run` read it; a file with several documents is a provisioning stream
 * (SPEC §1.14) and is read document by document, as `tracecheck validate` should.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ParsedDefinition, parseDefinition, parseDefinitions, printDefinition } from './index';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpusDir = resolve(repoRoot, '../shared/corpus/tracetest');
const corpusFound = existsSync(corpusDir);
if (!corpusFound) {
  console.warn(
    `\n!!! SKIPPED: the Tracetest corpus was not found at ${corpusDir}; the corpus test did NOT run !!!\n`,
  );
}

const files = corpusFound
  ? readdirSync(corpusDir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
  : [];

function readCorpusFile(file: string): ParsedDefinition[] {
  const text = readFileSync(resolve(corpusDir, file), 'utf8');
  const documents = parseDefinitions(text, { fileName: file });
  return documents.length === 1 ? [parseDefinition(text, { fileName: file })] : documents;
}

describe.skipIf(!corpusFound)('Tracetest corpus', () => {
  it.each(files)('%s reads without error and round-trips', (file) => {
    for (const parsed of readCorpusFile(file)) {
      expect(parsed.problems.filter((p) => p.severity === 'error')).toEqual([]);
      const resource = parsed.resource!;
      const back = parseDefinition(printDefinition(resource));
      expect(back.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(back.resource).toEqual(resource);
    }
  });

  it('holds 313 files: 281 single definitions and 32 provisioning streams', () => {
    const counts = files.map((f) => readCorpusFile(f).length);
    expect(files).toHaveLength(313);
    expect(counts.filter((n) => n === 1)).toHaveLength(281);
    expect(counts.filter((n) => n > 1)).toHaveLength(32);
  });

  it('reads every kind', () => {
    const kinds = new Map<string, number>();
    for (const file of files) {
      for (const { resource, originalType } of readCorpusFile(file)) {
        const kind = originalType === undefined ? resource!.type : `${originalType}→${resource!.type}`;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
    }
    expect(Object.fromEntries([...kinds].sort())).toEqual({
      Analyzer: 1,
      Config: 3,
      DataStore: 84,
      Demo: 22,
      Environment: 3,
      'Environment→VariableSet': 1,
      EnvironmentToken: 1,
      Invite: 1,
      Monitor: 2,
      PollingProfile: 39,
      Test: 168,
      TestRunner: 16,
      TestSuite: 23,
      VariableSet: 10,
    });
  });

  it('warns only where Tracetest silently ignores or renames something', () => {
    const warnings = files.flatMap((file) =>
      readCorpusFile(file).flatMap((parsed) =>
        parsed.problems.map((p) => `${file}:${p.line}:${p.column} ${p.code} ${p.path}`),
      ),
    );
    expect(warnings).toEqual([
      'cli__testdata__definitions__valid_http_test_definition_with_env_variables.yml:13:7 ALIAS spec.trigger.httpRequest.authentication',
      'examples__quick-start-github-actions__tracetest__tracetest-provision.yaml:16:3 UNKNOWN_KEY spec.isdefault',
      'local-config__dogfood__tracetest.provision.yaml:19:1 REQUIRED_FIELD spec.name',
      'local-config__tracetest.provision.yaml:18:1 REQUIRED_FIELD spec.name',
      'testing__cli-e2etest__testscenarios__test__resources__deprecated-environment.yaml:1:7 LEGACY_KIND type',
    ]);
  });
});
