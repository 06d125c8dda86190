/**
 * `npm run bench`: runs every benchmark in turn, each in its own process so one's heap and JIT state
 * do not colour another's figures. Each prints what it measured and its ratio against a baseline
 * measured in the same run. `npm run bench -- selectors ingest` runs only those.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

const BENCHES: readonly { name: string; file: string; about: string }[] = [
  {
    name: 'selectors',
    file: 'selectors.ts',
    about: 'selector evaluation on 100k-span traces, deep chain vs random tree',
  },
  { name: 'otlp-decode', file: 'otlp-decode.ts', about: 'OTLP/protobuf decoding vs protobufjs' },
  { name: 'assemble', file: 'assemble.ts', about: 'traceFromRecords and decoding at 10k, 100k spans' },
  { name: 'ingest', file: 'ingest.ts', about: 'agent OTLP ingest (HTTP and gRPC) vs a bare decoding server' },
  {
    name: 'dashboard',
    file: 'dashboard.ts',
    about: 'run page with 100k spans in Chromium vs 1k',
  },
  {
    name: 'pipeline',
    file: 'pipeline.ts',
    about: 'verdict latency, trigger-to-verdict and runs/s on the embedded mode',
  },
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !BENCHES.some((b) => b.name === w));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`,
  );
  process.exit(1);
}
let failed = 0;
for (const bench of BENCHES) {
  if (wanted.length > 0 && !wanted.includes(bench.name)) continue;
  console.log(`\n=== ${bench.name}: ${bench.about}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, bench.file)], {
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    failed++;
    console.log(`(${bench.name} exited with ${r.status ?? r.signal})`);
  }
}
process.exit(failed > 0 ? 1 : 0);
