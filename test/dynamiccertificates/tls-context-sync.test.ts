import assert from 'node:assert/strict';
import type { SecureContextOptions } from 'node:tls';
import { describe, it } from 'node:test';
import { FakeClock } from '../../src/controller/clock.js';
import { ListenerSet, type CAContentProvider, type CertKeyContent, type CertKeyContentProvider, type Listener } from '../../src/dynamiccertificates/interfaces.js';
import { StaticCAContent } from '../../src/dynamiccertificates/static-content.js';
import { TLSContextController } from '../../src/dynamiccertificates/tls-context-controller.js';
import { discardLogger } from '../../src/observability/logger.js';
import { capturingLogger, newCA, newServingCert, waitFor } from './helpers.js';

/** A provider whose content the test sets directly (no checks: the controller must cope with what it gets). */
class MutableCertKey implements CertKeyContentProvider {
  private readonly listeners = new ListenerSet();
  constructor(private content: CertKeyContent) {}
  name(): string {
    return 'mutable-serving';
  }
  addListener(l: Listener): void {
    this.listeners.addListener(l);
  }
  currentCertKeyContent(): CertKeyContent {
    return this.content;
  }
  set(content: CertKeyContent): void {
    this.content = content;
    this.listeners.notify();
  }
}

class RecordingTarget {
  readonly applied: SecureContextOptions[] = [];
  setSecureContext(options: SecureContextOptions): void {
    this.applied.push(options);
  }
}

describe('TLSContextController sync', () => {
  const ca = newCA('ctx-ca');
  const a = newServingCert(ca, 'a');
  const b = newServingCert(ca, 'b');
  const clientCA: CAContentProvider = new StaticCAContent('client-ca', newCA('client').certPem);

  it('registers as a Listener on its providers and applies only real changes', async () => {
    const serving = new MutableCertKey({ cert: a.certPem, key: a.keyPem });
    const ctl = new TLSContextController({ servingCert: serving, clientCA, logger: discardLogger });
    const target = new RecordingTarget();
    ctl.attach(target);
    assert.equal(ctl.serverOptions().cert, a.certPem, 'built at construction');
    assert.equal(ctl.serverOptions().requestCert, true);

    await ctl.runOnce();
    assert.equal(target.applied.length, 0, 'nothing changed');
    serving.set({ cert: b.certPem, key: b.keyPem });
    assert.equal(ctl.runner.queue.len(), 1, 'the change enqueued the controller');
    assert.equal(await ctl.runner.processNextWorkItem(), true);
    assert.equal(target.applied.length, 1);
    assert.equal(target.applied[0]!.cert, b.certPem);
    assert.equal(target.applied[0]!.ca, clientCA.currentCABundleContent());
    assert.equal(target.applied[0]!.minVersion, 'TLSv1.2', 'fixed settings survive the swap');
  });

  it('keeps the old context when the new one does not build, logs, and retries', async () => {
    const serving = new MutableCertKey({ cert: a.certPem, key: a.keyPem });
    const logger = capturingLogger();
    const ctl = new TLSContextController({ servingCert: serving, clientCA, logger });
    const target = new RecordingTarget();
    ctl.attach(target);
    serving.set({ cert: a.certPem, key: b.keyPem });
    await ctl.runner.processNextWorkItem();
    assert.equal(target.applied.length, 0);
    assert.equal(ctl.serverOptions().key, a.keyPem);
    assert.ok(logger.entries.some((e) => e.level === 'error' && /retrying/.test(e.message)));
    assert.equal(ctl.runner.queue.numRequeues('DynamicServingCertificateController'), 1);
    assert.throws(() => new TLSContextController({ servingCert: new MutableCertKey({ cert: '', key: '' }), logger: discardLogger }), /no serving certificate loaded/);
  });

  it('re-enqueues itself every resync interval', async () => {
    const clock = new FakeClock();
    const serving = new MutableCertKey({ cert: a.certPem, key: a.keyPem });
    const ctl = new TLSContextController({ servingCert: serving, logger: discardLogger, clock, resyncIntervalMs: 60_000 });
    assert.equal(ctl.serverOptions().requestCert, false, 'no client CA: no client certificates requested');
    const target = new RecordingTarget();
    ctl.attach(target);
    let syncs = 0;
    const original = ctl.runner.queue.get.bind(ctl.runner.queue);
    ctl.runner.queue.get = async () => {
      const next = await original();
      if (!next.shutdown) syncs++;
      return next;
    };
    const abort = new AbortController();
    const done = ctl.run(abort.signal);
    await waitFor('the first sync', () => syncs === 1 && ctl.runner.queue.len() === 0);
    clock.step(60_000);
    await waitFor('the resync', () => syncs === 2);
    clock.step(60_000);
    await waitFor('the next resync', () => syncs === 3);
    assert.equal(target.applied.length, 0, 'resyncs with nothing changed swap nothing');
    abort.abort();
    await done;
  });
});
