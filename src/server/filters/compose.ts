import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Runs filters in order as one handler, each calling the next, as kube's
 * handler chain does. Mounted at '/', express would give every filter its own
 * router layer (path match, params, a URL parse per layer) for nothing; here
 * a filter's `next()` goes straight to the following filter.
 *
 * Errors leave the chain as they would leave `app.use` layers: passed to
 * `next(err)`, thrown, or a rejected promise all go to express's error
 * handlers (through `done`); `next()` after the last filter continues with
 * whatever express has after this handler.
 */
export function composeFilters(filters: readonly RequestHandler[]): RequestHandler {
  const chain = [...filters];
  return (req: Request, res: Response, done: NextFunction) => {
    const run = (i: number): void => {
      const filter = chain[i];
      if (!filter) {
        done();
        return;
      }
      const next: NextFunction = (err?: unknown) => {
        // express's rule: a falsy argument continues, anything else is an error.
        if (err) done(err);
        else run(i + 1);
      };
      try {
        const ret: unknown = filter(req, res, next);
        if (isPromise(ret)) ret.then(undefined, (err: unknown) => done(err ?? new Error('Rejected promise')));
      } catch (err) {
        done(err);
      }
    };
    run(0);
  };
}

const isPromise = (v: unknown): v is Promise<unknown> => typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
