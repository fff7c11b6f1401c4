import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { newCA, newServingCert } from '../dynamiccertificates/helpers.js';
import { base64, conversionCRD, ConversionWebhook } from '../helpers/conversion-webhook.js';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { kubectl, kubectlPath, kubectlUntilOk, type KubectlResult } from '../helpers/kubectl.js';

const GROUP = 'kconv.example.com';
const V1 = `gadgets.v1.${GROUP}`;
const ALPHA = `gadgets.v1alpha1.${GROUP}`;
const WARNING = `Warning: ${GROUP}/v1alpha1 Gadget is deprecated; use ${GROUP}/v1 Gadget`;

const gadget = (name: string, version: string, spec: Record<string, string>) =>
  JSON.stringify({ apiVersion: `${GROUP}/${version}`, kind: 'Gadget', metadata: { name, namespace: 'default' }, spec });

/** A `kubectl get -w` running beside the test: its stdout lines as they come, polled with a bound. */
class KubectlWatch {
  readonly lines: string[] = [];
  stderr = '';
  private readonly proc: ChildProcess;

  constructor(kubeconfig: string, args: string[]) {
    this.proc = spawn(kubectlPath(), ['--kubeconfig', kubeconfig, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KUBECONFIG: kubeconfig, HOME: process.env.HOME ?? '/tmp' },
    });
    let buffered = '';
    this.proc.stdout!.on('data', (c: Buffer) => {
      buffered += c.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      this.lines.push(...parts);
    });
    this.proc.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString('utf8')));
  }

  /** Waits until a line matches, at most `tries` checks 100 ms apart. */
  async seen(re: RegExp, tries = 200): Promise<string> {
    for (let i = 0; i < tries; i++) {
      const line = this.lines.find((l) => re.test(l));
      if (line !== undefined) return line;
      if (this.proc.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`kubectl get -w never printed ${re}; exit ${this.proc.exitCode}, lines ${JSON.stringify(this.lines)}, stderr ${JSON.stringify(this.stderr)}`);
  }

  stop(): void {
    if (this.proc.exitCode === null && this.proc.pid !== undefined) this.proc.kill('SIGTERM');
  }
}

/**
 * Issue 13 with kubectl 1.32: a CRD whose v1alpha1 (deprecated) and v1
 * (storage) are converted by a webhook the test serves over TLS. kubectl
 * applies and reads both versions, sees the deprecation warning, watches
 * the non-storage version, and reports a stopped webhook.
 */
describe('kubectl and CRD conversion webhooks', () => {
  const ca = newCA('kubectl-webhook-ca');
  const cert = newServingCert(ca, 'convert.hooks.svc', ['convert.hooks.svc']);
  const hook = new ConversionWebhook(cert);
  let port = 0;
  let fd: Frontdoor;
  let k: (args: string[], stdin?: string) => Promise<KubectlResult>;
  const watches: KubectlWatch[] = [];
  const ok = (r: KubectlResult) => {
    assert.equal(r.code, 0, `kubectl failed: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    port = await hook.listen();
    fd = await startFrontdoor();
    k = (args, stdin) => kubectl(fd.kubeconfig, args, { stdin });
    await kubectlUntilOk(fd.kubeconfig, ['get', 'ns', 'default']);
    const crd = conversionCRD(GROUP, 'gadgets', 'Gadget', { url: `https://127.0.0.1:${port}/convert`, caBundle: base64(ca.certPem) });
    assert.match(ok(await k(['apply', '-f', '-'], JSON.stringify(crd))), /customresourcedefinition\.apiextensions\.k8s\.io\/gadgets\.kconv\.example\.com created/);
    // Served once the CRD controller has installed it: bounded retries.
    const ready = await kubectlUntilOk(fd.kubeconfig, ['get', V1]);
    assert.equal(ready.code, 0, ready.stderr);
  });
  after(async () => {
    for (const w of watches) w.stop();
    await fd?.stop();
    await hook.stop().catch(() => undefined);
  });

  it('applies an object in v1alpha1 with the deprecation warning; both versions read it with their own field names', async () => {
    const applied = await k(['apply', '-f', '-'], gadget('g1', 'v1alpha1', { colour: 'blue' }));
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /gadget\.kconv\.example\.com\/g1 created/);
    assert.ok(applied.stderr.includes(WARNING), applied.stderr);

    const v1 = ok(await k(['get', V1, 'g1', '-o', 'yaml']));
    assert.match(v1, new RegExp(`^apiVersion: ${GROUP.replace(/\./g, '\\.')}/v1$`, 'm'));
    assert.match(v1, /^ {2}color: blue$/m);
    assert.doesNotMatch(v1, /^ {2}colour:/m, "only the last-applied annotation names colour");

    const alpha = await k(['get', ALPHA, 'g1', '-o', 'yaml']);
    assert.equal(alpha.code, 0, alpha.stderr);
    assert.match(alpha.stdout, new RegExp(`^apiVersion: ${GROUP.replace(/\./g, '\\.')}/v1alpha1$`, 'm'));
    assert.match(alpha.stdout, /^ {2}colour: blue$/m);
    assert.doesNotMatch(alpha.stdout, /^ {2}color:/m);
    assert.ok(alpha.stderr.includes(WARNING), alpha.stderr);
    const v1Read = await k(['get', V1, 'g1', '-o', 'name']);
    assert.ok(!v1Read.stderr.includes('Warning'), `v1 is not deprecated: ${v1Read.stderr}`);
  });

  it('kubectl get -w on v1alpha1 sees objects written in v1, converted', async () => {
    const w = new KubectlWatch(fd.kubeconfig, ['get', ALPHA, '-w', '--output-watch-events', '-o', 'jsonpath={.type} {.object.metadata.name} {.object.apiVersion} {.object.spec.colour}{"\\n"}']);
    watches.push(w);
    // The current state first, converted: g1 as v1alpha1.
    await w.seen(new RegExp(`^ADDED g1 ${GROUP}/v1alpha1 blue$`));
    ok(await k(['apply', '-f', '-'], gadget('g2', 'v1', { color: 'green' })));
    await w.seen(new RegExp(`^ADDED g2 ${GROUP}/v1alpha1 green$`));
    ok(await k(['patch', V1, 'g2', '--type=merge', '-p', '{"spec":{"color":"olive"}}']));
    await w.seen(new RegExp(`^MODIFIED g2 ${GROUP}/v1alpha1 olive$`));
    w.stop();
    assert.ok(w.stderr.includes(WARNING), `the watch's list carries the warning: ${w.stderr}`);
  });

  it('fails with the conversion webhook message when the webhook is stopped; the object read in v1 is unchanged', async () => {
    await hook.stop();
    const message = new RegExp(`conversion webhook for ${GROUP.replace(/\./g, '\\.')}/v1, Kind=Gadget failed: Post "https://127\\.0\\.0\\.1:${port}/convert\\?timeout=30s": dial tcp 127\\.0\\.0\\.1:${port}: connect: connection refused`);
    // The webhook agent may hold a kept-alive connection a moment: bounded retries until the refusal shows.
    let failed = await k(['get', ALPHA, 'g1', '-o', 'yaml']);
    for (let i = 0; i < 50 && !message.test(failed.stderr); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      failed = await k(['get', ALPHA, 'g1', '-o', 'yaml']);
    }
    assert.notEqual(failed.code, 0);
    // kube's Status for it has no reason, so kubectl prints no "(InternalError)", as users of real clusters see.
    assert.match(failed.stderr, new RegExp(`^Error from server: ${message.source}\n`, 'm'));
    const list = await k(['get', ALPHA]);
    assert.notEqual(list.code, 0);
    assert.match(list.stderr, message);

    const v1 = ok(await k(['get', V1, 'g1', '-o', 'jsonpath={.spec}']));
    assert.equal(v1, '{"color":"blue"}');
  });
});
