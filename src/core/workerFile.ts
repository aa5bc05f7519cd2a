import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InternalError } from './errors/index.js';

/**
 * The file of a worker thread, next to the calling module: its compiled `.js` (under the test
 * runner, which loads TypeScript sources, the same module in dist/ is used).
 *
 * @example
 * new Worker(workerFile(import.meta.url, './worker.js'));
 */
export function workerFile(callerUrl: string, relative: string): string {
  const path = fileURLToPath(new URL(relative, callerUrl));
  if (!callerUrl.endsWith('.ts')) return path;
  const dist = path.replace(/([\\/])src([\\/])/, '$1dist$2');
  if (!existsSync(dist)) {
    throw new InternalError('INTERNAL', { what: 'the compiled worker is missing', remedy: 'build' });
  }
  return dist;
}
