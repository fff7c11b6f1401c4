import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { requestSignalFrom } from '../../../src/endpoints/request/abort.js';
import { createRequestInfoResolver } from '../../../src/endpoints/request/request-info.js';
import { discardLogger } from '../../../src/observability/logger.js';
import { parseGoDuration } from '../../../src/server/filters/go-duration.js';
import { withPanicRecovery } from '../../../src/server/filters/panic-recovery.js';
import { withRequestInfo } from '../../../src/server/filters/request-info.js';
import { withRequestTimeout } from '../../../src/server/filters/timeout.js';

/** What a handler saw after the deadline passed: whether its signal was aborted and whether a late write threw. */
interface Late {
  aborted: boolean;
  writeError?: string;
}

describe('withRequestTimeout', () => {
  let server: http.Server;
  let port = 0;
  const late = new Map<string, (l: Late) => void>();
  const lateSeen = (id: string) => new Promise<Late>((resolve) => late.set(id, resolve));

  before(async () => {
    const app = express();
    app.use(withRequestInfo(createRequestInfoResolver()));
    app.use(withRequestTimeout({ requestTimeoutMs: 150 }));
    // A handler that answers only after `?after=` ms; then tries to write as a real handler would.
    app.use(async (req, res) => {
      const wait = Number(new URL(req.url, 'http://x').searchParams.get('after') ?? '0');
      const signal = requestSignalFrom(req);
      await new Promise((r) => setTimeout(r, wait));
      const id = String(req.headers['x-id'] ?? '');
      const seen: Late = { aborted: signal?.aborted ?? false };
      try {
        if (req.headers['x-throw']) throw new Error('late failure');
        if (!res.headersSent) res.status(200).json({ ok: true });
      } catch (err) {
        seen.writeError = String(err);
        late.get(id)?.(seen);
        throw err;
      }
      late.get(id)?.(seen);
    });
    app.use(withPanicRecovery(discardLogger));
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  const get = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .on('error', reject);
    });

  it('answers a request that outlives --request-timeout with kube\'s 504 Status, and aborts its signal', async () => {
    const seen = lateSeen('slow');
    const r = await get('/api/v1/namespaces/default/configmaps?after=400', { 'x-id': 'slow' });
    assert.equal(r.status, 504);
    assert.deepEqual(JSON.parse(r.body), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Timeout: request did not complete within requested timeout - context deadline exceeded',
      reason: 'Timeout',
      details: {},
      code: 504,
    });
    assert.deepEqual(await seen, { aborted: true }, 'the late handler saw its signal aborted and wrote nothing');
  });

  it('a handler failing after the 504 went out does not cut or crash anything', async () => {
    const seen = lateSeen('throws');
    const r = await get('/api/v1/namespaces/default/configmaps?after=300', { 'x-id': 'throws', 'x-throw': '1' });
    assert.equal(r.status, 504);
    assert.match((await seen).writeError ?? '', /late failure/);
    assert.equal((await get('/api/v1/namespaces/default/configmaps')).status, 200, 'the server still answers');
  });

  const cases: { name: string; path: string; status: number; message?: RegExp }[] = [
    { name: 'a fast request is untouched', path: '/api/v1/namespaces/default/configmaps', status: 200 },
    { name: '?timeout= shortens the deadline', path: '/api/v1/namespaces/default/configmaps?after=100&timeout=20ms', status: 504 },
    { name: '?timeout= cannot lengthen it past --request-timeout', path: '/api/v1/namespaces/default/configmaps?after=400&timeout=1h', status: 504 },
    { name: '?timeout=0 means the maximum', path: '/api/v1/namespaces/default/configmaps?after=50&timeout=0', status: 200 },
    {
      name: 'a bad ?timeout= is 400 with kube\'s text',
      path: '/api/v1/namespaces/default/configmaps?timeout=10',
      status: 400,
      message: /^invalid timeout specified in the request URL - time: missing unit in duration "10"$/,
    },
    { name: 'a watch is long-running: never timed out', path: '/api/v1/namespaces/default/configmaps?watch=1&after=300', status: 200 },
    { name: 'exec is long-running', path: '/api/v1/namespaces/default/pods/p/exec?after=300', status: 200 },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await get(c.path);
      assert.equal(r.status, c.status, r.body);
      if (c.message) assert.match((JSON.parse(r.body) as { message: string }).message, c.message);
    });
  }
});

describe('parseGoDuration', () => {
  const ok: [string, number][] = [
    ['0', 0],
    ['1s', 1000],
    ['1m0s', 60_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    ['.5s', 500],
    ['250ms', 250],
    ['10us', 0.01],
    ['-2s', -2000],
    ['+3m', 180_000],
  ];
  for (const [text, ms] of ok) it(`${text} is ${ms} ms`, () => assert.equal(parseGoDuration(text), ms));
  const bad: [string, string][] = [
    ['', 'time: invalid duration ""'],
    ['abc', 'time: invalid duration "abc"'],
    ['10', 'time: missing unit in duration "10"'],
    ['5d', 'time: unknown unit "d" in duration "5d"'],
    ['.s', 'time: invalid duration ".s"'],
    ['-', 'time: invalid duration "-"'],
  ];
  for (const [text, message] of bad) it(`${JSON.stringify(text)} is refused as Go does`, () => assert.throws(() => parseGoDuration(text), { message }));
});
