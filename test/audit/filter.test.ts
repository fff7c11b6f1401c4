import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { newUnauthorized } from '../../src/apimachinery/status-error.js';
import { newPolicyRuleEvaluator } from '../../src/audit/policy-checker.js';
import { encodeEvent } from '../../src/audit/format.js';
import type { AuditSink } from '../../src/audit/types.js';
import { setUser } from '../../src/endpoints/request/context.js';
import { createRequestInfoResolver } from '../../src/endpoints/request/request-info.js';
import { withAuditID } from '../../src/server/filters/audit-id.js';
import { withAudit, withFailedAuthenticationAudit } from '../../src/server/filters/audit.js';
import { withPanicRecovery } from '../../src/server/filters/panic-recovery.js';
import { withRequestInfo } from '../../src/server/filters/request-info.js';
import { discardLogger } from '../../src/observability/logger.js';

interface Sent {
  auditID: string;
  stage: string;
  level: string;
  user: { username?: string };
  responseStatus?: { code?: number; message?: string; status?: string };
}

describe('the audit filter', () => {
  const sent: Sent[] = [];
  const sink: AuditSink = { processEvent: (ev) => sent.push(JSON.parse(encodeEvent(ev)) as Sent), close: async () => undefined };
  const audit = {
    sink,
    evaluate: newPolicyRuleEvaluator({
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Policy',
      rules: [
        { level: 'None', nonResourceURLs: ['/quiet'] },
        { level: 'Metadata' },
      ],
    }),
    // A handler that never answers a client who left is given this long.
    closedEarlyGraceMs: 100,
  };
  let server: http.Server;
  let port = 0;
  const agent = new http.Agent({ keepAlive: true });

  before(async () => {
    const app = express();
    app.use(withAuditID());
    app.use(withRequestInfo(createRequestInfoResolver()));
    // A stand-in for authentication: no header, no user.
    app.use((req, _res, next) => {
      if (req.headers['x-user']) {
        setUser(req, { name: String(req.headers['x-user']), groups: ['system:authenticated'] });
        next();
      } else next(newUnauthorized());
    });
    app.use(withFailedAuthenticationAudit(audit));
    app.use(withAudit(audit));
    app.get('/quiet', (_req, res) => void res.end('ok'));
    app.get('/hang', () => undefined); // never answers: the client gives up
    app.get('/api/v1/namespaces/default/pods', (_req, res) => {
      res.status(200).setHeader('Content-Type', 'application/json');
      res.flushHeaders();
      res.write('{}\n');
    });
    app.get('/ok', (_req, res) => void res.status(204).end());
    app.get('/boom', () => {
      throw new Error('kaboom');
    });
    // Answers after its client has gone, as a create whose write was already under way.
    app.get('/slow', (req, res) => {
      req.socket.once('close', () => setTimeout(() => res.status(201).end(), 20));
    });
    app.use(withPanicRecovery(discardLogger));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Sends a request; with `abortAfterHeaders` or `abortAfterMs` the client hangs up. Resolves with the Audit-ID. */
  const send = (path: string, opts: { user?: string; abortAfterHeaders?: boolean; abortAfterMs?: number } = {}): Promise<string> =>
    new Promise((resolve, reject) => {
      const auditID = `test-${Math.random().toString(36).slice(2)}`;
      const req = http.get({ host: '127.0.0.1', port, path, agent, headers: { 'audit-id': auditID, ...(opts.user ? { 'x-user': opts.user } : {}) } }, (res) => {
        if (opts.abortAfterHeaders) {
          req.destroy();
          resolve(auditID);
          return;
        }
        res.resume();
        res.on('end', () => resolve(auditID));
      });
      req.on('error', (err) => (opts.abortAfterHeaders || opts.abortAfterMs ? resolve(auditID) : reject(err)));
      if (opts.abortAfterMs) setTimeout(() => req.destroy(), opts.abortAfterMs);
    });

  const stagesOf = async (auditID: string, count: number): Promise<Sent[]> => {
    for (let i = 0; i < 200 && sent.filter((e) => e.auditID === auditID).length < count; i++) await new Promise((r) => setTimeout(r, 10));
    return sent.filter((e) => e.auditID === auditID);
  };

  it('sends RequestReceived and ResponseComplete over a kept-alive connection', async () => {
    const id = await send('/ok', { user: 'alice' });
    const evs = await stagesOf(id, 2);
    assert.deepEqual(evs.map((e) => e.stage), ['RequestReceived', 'ResponseComplete']);
    assert.equal(evs[1]!.responseStatus?.code, 204);
    assert.equal(evs[1]!.user.username, 'alice');
  });

  it('sends nothing at level None', async () => {
    const id = await send('/quiet', { user: 'alice' });
    const marker = await send('/ok', { user: 'alice' });
    await stagesOf(marker, 2);
    assert.deepEqual(sent.filter((e) => e.auditID === id), []);
  });

  it('completes a request the client left before any answer, as kube\'s "Connection closed early"', async () => {
    const id = await send('/hang', { user: 'alice', abortAfterMs: 50 });
    const evs = await stagesOf(id, 2);
    assert.deepEqual(evs.map((e) => e.stage), ['RequestReceived', 'ResponseComplete']);
    assert.deepEqual(evs[1]!.responseStatus, { metadata: {}, status: 'Success', message: 'Connection closed early', code: 200 });
  });

  it('waits for a handler that answers after its client left, and logs its real outcome', async () => {
    const id = await send('/slow', { user: 'alice', abortAfterMs: 30 });
    const evs = await stagesOf(id, 2);
    assert.deepEqual(evs.map((e) => e.stage), ['RequestReceived', 'ResponseComplete']);
    assert.equal(evs[1]!.responseStatus?.code, 201, 'the write that succeeded, not "Connection closed early"');
    assert.equal(evs[1]!.responseStatus?.message, undefined);
  });

  it('ends a request whose handler failed with a bug at stage Panic, as kube\'s recovered panic', async () => {
    const id = await send('/boom', { user: 'alice' });
    const marker = await send('/ok', { user: 'alice' });
    await stagesOf(marker, 2);
    const evs = sent.filter((e) => e.auditID === id);
    assert.deepEqual(evs.map((e) => e.stage), ['RequestReceived', 'Panic'], 'no ResponseComplete after the panic');
    assert.deepEqual(evs[1]!.responseStatus, { metadata: {}, status: 'Failure', message: "APIServer panic'd: kaboom", code: 500 });
  });

  it('adds ResponseStarted for a watch', async () => {
    const id = await send('/api/v1/namespaces/default/pods?watch=1', { user: 'alice', abortAfterHeaders: true });
    const evs = await stagesOf(id, 3);
    assert.deepEqual(evs.map((e) => e.stage), ['RequestReceived', 'ResponseStarted', 'ResponseComplete']);
  });

  it('audits a failed authentication once, at ResponseStarted, with no user', async () => {
    const id = await send('/ok');
    const marker = await send('/ok', { user: 'alice' });
    await stagesOf(marker, 2);
    const evs = sent.filter((e) => e.auditID === id);
    assert.deepEqual(evs.map((e) => `${e.stage}@${e.level}`), ['ResponseStarted@Metadata']);
    assert.deepEqual(evs[0]!.user, {});
    assert.equal(evs[0]!.responseStatus?.code, 401);
  });
});
