import { Router, type Request, type Response } from 'express';
import { claimNonResourceRequest } from '../observability/metrics/request-metrics.js';

/** A named health check; check() resolves when healthy and rejects (or throws) with the reason otherwise. */
export interface HealthChecker {
  name: string;
  check(): void | Promise<void>;
}

export const pingCheck: HealthChecker = { name: 'ping', check: () => undefined };

/** Healthy while the logger can still write (kube's log check: it watches for blocked writes). */
export function logCheck(isBlocked: () => boolean = () => false): HealthChecker {
  return {
    name: 'log',
    check: () => {
      if (isBlocked()) throw new Error('logging blocked');
    },
  };
}

/**
 * kube's readyz `informer-sync`: healthy while every watch cache reflects
 * storage. A replica whose caches are listing (at start, or relisting after
 * its watch on a lost etcd member broke) answers from storage meanwhile, but
 * is not ready to be sent watches and lists by a load balancer.
 */
export function informerSyncCheck(unsynced: () => string[]): HealthChecker {
  return {
    name: 'informer-sync',
    check: () => {
      const pending = unsynced();
      if (pending.length > 0) throw new Error(`${pending.length} watch cache(s) not synced: ${pending.slice(0, 10).join(', ')}${pending.length > 10 ? ', ...' : ''}`);
    },
  };
}

/**
 * Installs `/<name>`, `/<name>/` and `/<name>/<check>` in kube's format:
 * "ok" on success, the [+]/[-] list with `?verbose` or on failure (500, reasons
 * withheld; they are in the single-check output), `?exclude=a&exclude=b`.
 */
export function installHealthz(router: Router, name: string, checks: () => HealthChecker[]): void {
  const root = async (req: Request, res: Response): Promise<void> => {
    // kube instruments the roots only (subresource "/healthz", component ""), not the single checks.
    claimNonResourceRequest(req, `/${name}`, '');
    const excluded = new Set(queryValues(req.query.exclude));
    let lines = '';
    const failed: string[] = [];
    for (const c of checks()) {
      if (excluded.delete(c.name)) {
        lines += `[+]${c.name} excluded: ok\n`;
        continue;
      }
      try {
        await c.check();
        lines += `[+]${c.name} ok\n`;
      } catch {
        lines += `[-]${c.name} failed: reason withheld\n`;
        failed.push(c.name);
      }
    }
    if (excluded.size > 0) {
      lines += `warn: some health checks cannot be excluded: no matches for ${[...excluded].map((e) => `"${e}"`).join(',')}\n`;
    }
    plain(res);
    if (failed.length > 0) {
      res.status(500).send(`${lines}${name} check failed\n`);
      return;
    }
    res.status(200).send('verbose' in req.query ? `${lines}${name} check passed\n` : 'ok');
  };
  router.get([`/${name}`, `/${name}/`], root);
  router.get(`/${name}/*check`, async (req: Request, res: Response) => {
    const wanted = ([] as string[]).concat(req.params.check ?? []).join('/');
    const c = checks().find((x) => x.name === wanted);
    plain(res);
    if (!c) {
      res.status(404).send('404 page not found\n');
      return;
    }
    try {
      await c.check();
      res.status(200).send('ok');
    } catch (err) {
      res.status(500).send(`internal server error: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  });
}

const plain = (res: Response): void => {
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-cache, private');
};

const queryValues = (v: unknown): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(',') : [];
