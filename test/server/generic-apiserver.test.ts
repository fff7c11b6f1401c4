import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import express from 'express';
import { setRequestInfo } from '../../src/endpoints/request/context.js';
import { createRequestInfoResolver } from '../../src/endpoints/request/request-info.js';
import { GenericAPIServer } from '../../src/server/generic-apiserver.js';

async function serve(app: express.Express, fn: (get: (path: string) => Promise<string>) => Promise<void>) {
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const get = async (path: string) => (await fetch(`http://127.0.0.1:${port}${path}`)).text();
  try {
    await fn(get);
  } finally {
    server.close();
  }
}

describe('GenericAPIServer delegation', () => {
  it('answers its own paths and passes the rest to its delegate, in chain order', async () => {
    const last = new GenericAPIServer('last');
    last.routes.use((_req, res) => void res.send('last'));
    const middle = new GenericAPIServer('middle', last);
    middle.routes.get('/middle', (_req, res) => void res.send('middle'));
    const first = new GenericAPIServer('first', middle);
    first.routes.get('/first', (_req, res) => void res.send('first'));
    const app = express();
    app.use(first.handler);
    await serve(app, async (get) => {
      assert.equal(await get('/first'), 'first');
      assert.equal(await get('/middle'), 'middle');
      assert.equal(await get('/other'), 'last');
      // a route added while serving still comes before the delegate
      first.routes.get('/other', (_req, res) => void res.send('first, added later'));
      assert.equal(await get('/other'), 'first, added later');
    });
  });

  it('hands a resource request to the first server that serves its resource, and a passed-on one to the routes', async () => {
    const last = new GenericAPIServer('last');
    last.routes.use((_req, res) => void res.send('last'));
    const middle = new GenericAPIServer('middle', last);
    middle.serveResources(
      (info) => info.resource === 'configmaps',
      (req, res, next) => (req.path.endsWith('/pass') ? next() : void res.send('middle configmaps')),
    );
    middle.serveResources((info) => info.resource === 'secrets', async () => {
      throw new Error('refused');
    });
    const first = new GenericAPIServer('first', middle);
    // A non-resource route of an outer server never sees a claimed resource request.
    first.routes.use('/api/v1/namespaces', (_req, res) => void res.send('first routes'));
    const resolve = createRequestInfoResolver();
    const app = express();
    app.use((req, _res, next) => {
      setRequestInfo(req, resolve(req.method, req.originalUrl));
      next();
    });
    app.use(first.handler);
    app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => void res.send(`error: ${err.message}`));
    await serve(app, async (get) => {
      assert.equal(await get('/api/v1/namespaces/a/configmaps/x'), 'middle configmaps');
      assert.equal(await get('/api/v1/namespaces/a/configmaps/x/pass'), 'first routes');
      assert.equal(await get('/api/v1/namespaces/a/secrets/x'), 'error: refused');
      assert.equal(await get('/api/v1/namespaces/a/pods/x'), 'first routes');
      assert.equal(await get('/api/v1/pods'), 'last');
      assert.equal(await get('/healthz'), 'last');
    });
  });

  it('collects hooks, checks, paths and readiness signals along the chain', () => {
    const inner = new GenericAPIServer('inner');
    inner.addPostStartHook('inner-hook', () => undefined);
    inner.addHealthChecks({ name: 'inner-check', check: () => undefined });
    inner.addListedPaths('/inner');
    let ready = false;
    inner.addMuxCompleteSignal('InnerSynced', () => ready);
    const outer = new GenericAPIServer('outer', inner);
    outer.addPostStartHook('outer-hook', () => undefined);
    outer.addListedPaths('/outer');
    assert.deepEqual([...outer.postStartHooks().keys()].sort(), ['inner-hook', 'outer-hook']);
    assert.deepEqual(outer.healthChecks().map((c) => c.name), ['inner-check']);
    assert.deepEqual(outer.listedPaths(), ['/inner', '/outer']);
    assert.deepEqual(outer.pendingMuxSignals(), ['InnerSynced']);
    ready = true;
    assert.deepEqual(outer.pendingMuxSignals(), []);
    assert.throws(() => outer.addPostStartHook('inner-hook', () => undefined), /already registered/);
  });

  it('a claimed group-version answers its resources and its discovery path before any server, until released', async () => {
    const last = new GenericAPIServer('last');
    last.routes.use((_req, res) => void res.send('not found'));
    const core = new GenericAPIServer('core', last);
    core.serveResources((info) => info.apiGroup === 'metrics.k8s.io', (_req, res) => void res.send('local metrics'));
    core.routes.get('/apis/metrics.k8s.io/v1beta1', (_req, res) => void res.send('local discovery'));
    const aggregator = new GenericAPIServer('aggregator', core);
    const resolve = createRequestInfoResolver();
    const app = express();
    app.use((req, _res, next) => {
      setRequestInfo(req, resolve(req.method, req.originalUrl));
      next();
    });
    app.use(aggregator.handler);
    await serve(app, async (get) => {
      assert.equal(await get('/apis/metrics.k8s.io/v1beta1/pods'), 'local metrics');
      aggregator.claimGroupVersion('metrics.k8s.io', 'v1beta1', (req, res) => void res.send(`proxied ${req.path}`));
      assert.equal(await get('/apis/metrics.k8s.io/v1beta1/pods'), 'proxied /apis/metrics.k8s.io/v1beta1/pods');
      assert.equal(await get('/apis/metrics.k8s.io/v1beta1'), 'proxied /apis/metrics.k8s.io/v1beta1');
      assert.equal(await get('/apis/metrics.k8s.io/v1beta1/namespaces/a/pods/b'), 'proxied /apis/metrics.k8s.io/v1beta1/namespaces/a/pods/b');
      // Another version of the group, and a group whose name merely starts the same, are not claimed.
      assert.equal(await get('/apis/metrics.k8s.io/v1/pods'), 'local metrics');
      assert.equal(await get('/apis/metrics.k8s.io.evil/v1beta1'), 'not found');
      assert.equal(aggregator.releaseGroupVersion('metrics.k8s.io', 'v1beta1'), true);
      assert.equal(await get('/apis/metrics.k8s.io/v1beta1'), 'local discovery');
      assert.equal(aggregator.releaseGroupVersion('metrics.k8s.io', 'v1beta1'), false);
    });
  });
});
