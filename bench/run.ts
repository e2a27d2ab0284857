// Benchmark runner: `npm run bench [name ...]` runs the named benchmarks, or all of them. Each benchmark is
// `bench/<name>/index.ts` exporting `run()`, which prints its table and writes bench/results/<name>.json.
import { stopAllChildren } from './lib/child.js';

interface Benchmark {
  run(): Promise<void>;
}

/** Each loads bench/<name>/index.ts. */
const BENCHMARKS: Readonly<Record<string, () => Promise<Benchmark>>> = {
  ingress: () => import('./ingress/index.js'),
  outbound: () => import('./outbound/index.js'),
  flows: () => import('./flows/index.js'),
  'flows-p99': () => import('./flows-p99/index.js'),
};

async function main(names: readonly string[]): Promise<void> {
  const selected = names.length > 0 ? names : Object.keys(BENCHMARKS);
  const unknown = selected.filter((name) => !Object.hasOwn(BENCHMARKS, name));
  if (unknown.length > 0) {
    console.error(`unknown benchmark: ${unknown.join(', ')} (known: ${Object.keys(BENCHMARKS).join(', ')})`);
    process.exitCode = 2;
    return;
  }
  for (const name of selected) {
    const load = BENCHMARKS[name];
    if (load === undefined) continue;
    const started = performance.now();
    console.log(`\n== ${name} ==`);
    await (await load()).run();
    console.log(`\n${name} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

const interrupt = (signal: NodeJS.Signals): void => {
  console.error(`\n${signal}: stopping the servers under test`);
  void stopAllChildren().finally(() => process.exit(130));
};
process.once('SIGINT', interrupt);
process.once('SIGTERM', interrupt);

try {
  await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
} finally {
  await stopAllChildren();
}
