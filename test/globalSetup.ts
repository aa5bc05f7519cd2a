import { execFileSync } from 'node:child_process';

/** The e2e tests spawn bin/sinso.js, which runs dist/: build it once before the suite. */
export default function setup(): void {
  if (process.env['SINSO_TEST_NO_BUILD'] === '1') return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], {
    stdio: 'inherit',
  });
}
