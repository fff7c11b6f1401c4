import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { entryArgs, repoRoot } from '../helpers/frontdoor.js';

const frontdoor = (args: string[]) =>
  spawnSync(process.execPath, [...entryArgs('src/cli/frontdoor.ts'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 });

describe('frontdoor CLI', () => {
  it('--help lists every flag with its default', () => {
    const r = frontdoor(['--help']);
    assert.equal(r.status, 0);
    for (const flag of ['--data-dir', '--bind-address', '--secure-port', '--cert-dir', '--tls-cert-file', '--tls-private-key-file',
      '--client-ca-file', '--tls-sans', '--v', '--log-format', '--etcd-servers', '--etcd-prefix', '--compaction-interval',
      '--shutdown-delay-duration']) {
      assert.ok(r.stdout.includes(flag), `--help does not mention ${flag}`);
    }
    const help = r.stdout.replace(/\s+/g, ' ');
    assert.match(help, /--secure-port <port> [^-]*\(default: 6443\)/);
    assert.match(help, /--bind-address <ip> [^-]*\(default: "127\.0\.0\.1"\)/);
    assert.match(help, /--data-dir <dir> [^(]*\(default: "\.\/data"\)/);
  });

  const refusals: [string, string[], RegExp][] = [
    ['an unknown flag', ['--no-such-flag'], /^frontdoor: unknown option '--no-such-flag'$/],
    ['a bad port', ['--secure-port', '70000'], /^frontdoor: .*--secure-port must be an integer from 0 to 65535$/],
    ['a bad bind address', ['--bind-address', 'localhost'], /^frontdoor: --bind-address: "localhost" is not an IP address$/],
    ['a bad log format', ['--log-format', 'xml'], /^frontdoor: .*Allowed choices are text, json\.$/],
    ['an unreadable file', ['--client-ca-file', '/nonexistent/ca.crt'], /^frontdoor: --client-ca-file: cannot read "\/nonexistent\/ca\.crt": ENOENT$/],
    ['a cert without its key', ['--tls-cert-file', '/etc/hostname'], /^frontdoor: --tls-cert-file and --tls-private-key-file must be given together$/],
    ['a bad duration', ['--shutdown-delay-duration', '5 minutes'], /^frontdoor: .*invalid duration/],
  ];
  for (const [what, args, message] of refusals) {
    it(`refuses ${what} with one clear line, before creating or serving anything`, async () => {
      const dataDir = join(await mkdtemp(join(tmpdir(), 'frontdoor-cli-')), 'data');
      try {
        const r = frontdoor(['--data-dir', dataDir, '--secure-port', '0', ...args]);
        assert.equal(r.status, 1);
        const lines = r.stderr.trim().split('\n');
        assert.equal(lines.length, 1, r.stderr);
        assert.match(lines[0]!, message);
        assert.equal(existsSync(dataDir), false, 'nothing should be created');
      } finally {
        await rm(join(dataDir, '..'), { recursive: true, force: true });
      }
    });
  }

  it('exits 1 with a clear line when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const dataDir = await mkdtemp(join(tmpdir(), 'frontdoor-cli-'));
    try {
      const r = frontdoor(['--data-dir', dataDir, '--secure-port', String(port), '--log-format', 'json']);
      assert.equal(r.status, 1);
      const last = JSON.parse(r.stderr.trim().split('\n').pop()!) as { message: string; err: string };
      assert.equal(last.message, 'failed to start');
      assert.match(last.err, /EADDRINUSE/);
    } finally {
      blocker.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
