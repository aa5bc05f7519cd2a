import { execFileSync } from 'node:child_process';

/**
 * The int and e2e layers need dist/: worker threads load their compiled module from it, and the
 * e2e tests spawn bin/sinso.js. Builds it once a run, however many projects list this setup
 * (they share the main process, so the mark in its environment is seen by the next one). Then
 * builds the ZK circuits and their keys into the cache (`sinso zk build`: about two minutes on a
 * fresh clone, a second when cached), one at a time before any test starts, rather than inside
 * whichever test files reach them first while the rest of the suite runs beside them.
 */
export default function setup(): void {
  if (process.env['SINSO_TEST_NO_BUILD'] === '1' || process.env['SINSO_TEST_BUILT'] === '1') return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], {
    stdio: 'inherit',
  });
  execFileSync(process.execPath, ['bin/sinso.js', 'zk', 'build', '--json'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  process.env['SINSO_TEST_BUILT'] = '1';
}
