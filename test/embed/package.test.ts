import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';
import { entryArgs, repoRoot } from '../helpers/frontdoor.js';

/** True when the tests run compiled from dist/ (CI): then the package is imported by its name, through package.json's "exports". */
const compiled = import.meta.url.endsWith('.js');

it('importing the package adds no signal handlers, exit hooks or handles, and exports startServer', async () => {
  const entry = compiled ? 'frontdoor' : join(repoRoot, 'src/index.ts');
  const { stdout } = await promisify(execFile)(process.execPath, [...entryArgs('test/embed/fixtures/import-only.ts'), entry], { cwd: repoRoot });
  const got = JSON.parse(stdout) as { before: Record<string, number>; after: Record<string, number>; exports: string[]; startServer: string };
  assert.deepEqual(got.after, got.before);
  assert.deepEqual(got.exports, ['startServer']);
  assert.equal(got.startServer, 'function');
});
