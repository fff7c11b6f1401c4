/**
 * Builds test/chart/render, the Go program that renders a chart as `helm template`
 * does, into a folder of the caller's. GOPATH mode against Debian's packaged
 * sources (golang-go, golang-github-masterminds-sprig-dev): the module proxy is
 * not reachable offline.
 */
import { execFile, execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../helpers/frontdoor.js';

const run = promisify(execFile);

/** Why the chart tests skip (go missing on a developer machine), or false; under CI they never skip. */
export function rendererSkipReason(): string | false {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return false;
  } catch {
    if (process.env.CI) return false;
    return 'go is not installed (apt-get install golang-go golang-github-masterminds-sprig-dev): the chart renderer cannot be built; under CI this fails instead';
  }
}

/** Compiles the renderer to DIR/render and returns its path. */
export async function buildRenderer(dir: string): Promise<string> {
  const out = join(dir, 'render');
  await run('go', ['build', '-o', out, './test/chart/render'], {
    cwd: repoRoot,
    env: { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOFLAGS: '', GOCACHE: join(tmpdir(), 'frontdoor-go-build-cache') },
  });
  return out;
}
