import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { Request, Response } from 'express';
import { isStatusError } from '../../../src/apimachinery/status-error.js';
import { setRequestInfo, setUser } from '../../../src/endpoints/request/context.js';
import type { RequestInfo } from '../../../src/endpoints/request/request-info.js';
import { withMaxInFlight, type MaxInFlightOptions } from '../../../src/server/filters/max-in-flight.js';

const info = (over: Partial<RequestInfo>): RequestInfo => ({
  isResourceRequest: true,
  path: '/api/v1/namespaces/default/configmaps',
  verb: 'list',
  apiPrefix: 'api',
  apiGroup: '',
  apiVersion: 'v1',
  namespace: 'default',
  resource: 'configmaps',
  subresource: '',
  name: '',
  parts: ['configmaps'],
  ...over,
});

interface Call {
  res: EventEmitter;
  err: unknown;
  passed: boolean;
}

/** Runs one request through the filter; its response stays open until the test emits 'close'. */
function send(filter: ReturnType<typeof withMaxInFlight>, ri: RequestInfo, groups?: string[]): Call {
  const req = {} as Request;
  setRequestInfo(req, ri);
  if (groups) setUser(req, { name: 'u', groups });
  const res = new EventEmitter();
  const call: Call = { res, err: undefined, passed: false };
  void filter(req, res as unknown as Response, (err?: unknown) => {
    call.err = err;
    call.passed = !err;
  });
  return call;
}

const tooMany = (c: Call): boolean =>
  isStatusError(c.err) &&
  c.err.code === 429 &&
  c.err.reason === 'TooManyRequests' &&
  c.err.status.message === 'Too many requests, please try again later.' &&
  c.err.status.details?.retryAfterSeconds === 1;

const opts = (o: Partial<MaxInFlightOptions> = {}): MaxInFlightOptions => ({ nonMutatingLimit: 2, mutatingLimit: 1, ...o });

describe('withMaxInFlight', () => {
  const exempt: { name: string; ri: RequestInfo; groups?: string[] }[] = [
    { name: 'a watch', ri: info({ verb: 'watch' }) },
    { name: 'a proxy', ri: info({ verb: 'proxy' }) },
    { name: 'exec', ri: info({ verb: 'create', resource: 'pods', subresource: 'exec', name: 'p' }) },
    { name: 'logs', ri: info({ verb: 'get', resource: 'pods', subresource: 'log', name: 'p' }) },
    { name: '/readyz', ri: info({ isResourceRequest: false, path: '/readyz', verb: 'get' }) },
    { name: '/livez/ping', ri: info({ isResourceRequest: false, path: '/livez/ping', verb: 'get' }) },
    { name: '/healthz', ri: info({ isResourceRequest: false, path: '/healthz', verb: 'get' }) },
    { name: 'system:masters', ri: info({}), groups: ['system:masters', 'system:authenticated'] },
  ];
  for (const t of exempt) {
    it(`serves ${t.name} when every seat is taken`, () => {
      const filter = withMaxInFlight(opts({ nonMutatingLimit: 1, mutatingLimit: 1 }));
      assert.ok(send(filter, info({})).passed);
      assert.ok(send(filter, info({ verb: 'create' })).passed);
      assert.ok(send(filter, t.ri, t.groups).passed);
    });
  }

  it('refuses a read over the limit with 429, Retry-After 1 and kube\'s message', () => {
    const filter = withMaxInFlight(opts());
    assert.ok(send(filter, info({ verb: 'get', name: 'a' })).passed);
    assert.ok(send(filter, info({})).passed);
    const third = send(filter, info({ verb: 'get', name: 'b' }), ['system:authenticated']);
    assert.ok(tooMany(third), String(third.err));
  });

  it('counts mutating requests apart from reads', () => {
    const filter = withMaxInFlight(opts());
    assert.ok(send(filter, info({ verb: 'create' })).passed);
    assert.ok(tooMany(send(filter, info({ verb: 'delete', name: 'x' }))));
    assert.ok(send(filter, info({})).passed, 'reads have their own seats');
    assert.ok(tooMany(send(filter, info({ isResourceRequest: false, path: '/version', verb: 'post' }))), 'a non-resource POST is mutating');
  });

  it('gives seats back once per response, on close', () => {
    const filter = withMaxInFlight(opts({ nonMutatingLimit: 1 }));
    const first = send(filter, info({}));
    assert.ok(tooMany(send(filter, info({}))));
    first.res.emit('close');
    first.res.emit('close');
    assert.ok(send(filter, info({})).passed);
    assert.ok(tooMany(send(filter, info({}))), 'a second close must not free a seat twice');
  });

  it('a LIST takes the seats the estimator gives, capped at the limit', () => {
    const filter = withMaxInFlight(opts({ nonMutatingLimit: 10, seats: (_req, ri) => (ri.verb === 'list' ? 4 : 1) }));
    const lists = [send(filter, info({})), send(filter, info({}))];
    assert.ok(lists.every((c) => c.passed));
    assert.ok(tooMany(send(filter, info({}))), '8 of 10 seats taken: no room for 4 more');
    assert.ok(send(filter, info({ verb: 'get', name: 'a' })).passed, 'a get still fits');
    lists[0]!.res.emit('close');
    assert.ok(send(filter, info({})).passed);

    const capped = withMaxInFlight(opts({ nonMutatingLimit: 3, seats: () => 10 }));
    const big = send(capped, info({}));
    assert.ok(big.passed, 'a request wanting more seats than exist takes them all');
    assert.ok(tooMany(send(capped, info({ verb: 'get', name: 'a' }))));
  });

  it('limits of 0 mean no limit', () => {
    const none = withMaxInFlight(opts({ nonMutatingLimit: 0, mutatingLimit: 0 }));
    for (let i = 0; i < 50; i++) assert.ok(send(none, info({})).passed);
    const readsOnly = withMaxInFlight(opts({ nonMutatingLimit: 1, mutatingLimit: 0 }));
    for (let i = 0; i < 50; i++) assert.ok(send(readsOnly, info({ verb: 'create' })).passed);
  });

  it('a request without RequestInfo is a chain bug (500), not a pass', () => {
    const filter = withMaxInFlight(opts());
    let err: unknown;
    void filter({} as Request, new EventEmitter() as unknown as Response, (e?: unknown) => (err = e));
    assert.ok(isStatusError(err) && err.code === 500);
  });
});

describe('max-in-flight with queueing (API Priority and Fairness)', () => {
  const queued = (maxLength: number, maxWaitMs = 60_000) => withMaxInFlight({ nonMutatingLimit: 2, mutatingLimit: 1, queue: { maxLength, maxWaitMs } });

  it('a request over the limit waits for seats, in arrival order, and runs when they free up', () => {
    const f = queued(2);
    const a = send(f, info({ verb: 'get', name: 'a' }));
    const b = send(f, info({ verb: 'get', name: 'b' }));
    const c = send(f, info({ verb: 'get', name: 'c' }));
    const d = send(f, info({ verb: 'get', name: 'd' }));
    assert.deepEqual([a.passed, b.passed, c.passed, d.passed], [true, true, false, false]);
    assert.equal(c.err, undefined, 'waiting, not refused');
    a.res.emit('close');
    assert.deepEqual([c.passed, d.passed], [true, false]);
    b.res.emit('close');
    assert.equal(d.passed, true);
  });

  it('refuses with 429 once the line is full', () => {
    const f = queued(1);
    send(f, info({ verb: 'get', name: 'a' }));
    send(f, info({ verb: 'get', name: 'b' }));
    const waiting = send(f, info({ verb: 'get', name: 'c' }));
    const refused = send(f, info({ verb: 'get', name: 'd' }));
    assert.equal(waiting.err, undefined);
    assert.ok(tooMany(refused));
  });

  it('a waiter whose client left gives up its place; one that waited too long gets the 429', async () => {
    const f = queued(2, 1);
    const a = send(f, info({ verb: 'get', name: 'a' }));
    send(f, info({ verb: 'get', name: 'b' }));
    const left = send(f, info({ verb: 'get', name: 'c' }));
    const late = send(f, info({ verb: 'get', name: 'd' }));
    left.res.emit('close');
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(tooMany(late));
    assert.equal(left.passed, false);
    // Their seats were never taken: the next request after a release runs at once.
    a.res.emit('close');
    assert.equal(send(f, info({ verb: 'get', name: 'e' })).passed, true);
  });
});
