import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { composeFilters } from '../../../src/server/filters/compose.js';

const req = {} as Request;
const res = {} as Response;

/** Runs the composed handler and resolves with what it passed to express's next. */
function runChain(filters: RequestHandler[]): Promise<{ err: unknown; called: boolean }> {
  return new Promise((resolve) => {
    const done: NextFunction = (err?: unknown) => resolve({ err, called: true });
    void composeFilters(filters)(req, res, done);
  });
}

describe('composeFilters', () => {
  it('runs the filters in order, then continues past the chain', async () => {
    const seen: string[] = [];
    const step = (name: string): RequestHandler => (_q, _s, next) => {
      seen.push(name);
      next();
    };
    const out = await runChain([step('a'), step('b'), step('c')]);
    assert.deepEqual(seen, ['a', 'b', 'c']);
    assert.equal(out.err, undefined);
  });

  it('continues on a falsy next argument, as express does', async () => {
    const seen: string[] = [];
    const out = await runChain([(_q, _s, next) => next(null), (_q, _s, next) => (seen.push('second'), next())]);
    assert.deepEqual(seen, ['second']);
    assert.equal(out.err, undefined);
  });

  it('an error passed to next skips the rest', async () => {
    const boom = new Error('boom');
    const seen: string[] = [];
    const out = await runChain([(_q, _s, next) => next(boom), () => seen.push('never')]);
    assert.equal(out.err, boom);
    assert.deepEqual(seen, []);
  });

  it('a thrown error and a rejected promise leave the chain as errors', async () => {
    const thrown = new Error('thrown');
    assert.equal((await runChain([() => { throw thrown; }])).err, thrown);
    const rejected = new Error('rejected');
    const later: RequestHandler = async (_q, _s, next) => {
      await Promise.resolve();
      if (rejected) throw rejected;
      next();
    };
    assert.equal((await runChain([later])).err, rejected);
  });

  it('an async filter calling next continues the chain', async () => {
    const seen: string[] = [];
    const out = await runChain([
      async (_q, _s, next) => {
        await Promise.resolve();
        next();
      },
      (_q, _s, next) => (seen.push('after async'), next()),
    ]);
    assert.deepEqual(seen, ['after async']);
    assert.equal(out.err, undefined);
  });

  it('an empty chain continues at once', async () => {
    assert.deepEqual(await runChain([]), { err: undefined, called: true });
  });
});
