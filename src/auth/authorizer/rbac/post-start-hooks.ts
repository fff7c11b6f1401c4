import type { Logger } from '../../../observability/logger.js';
import type { Store } from '../../../registry/store.js';
import type { PostStartHook } from '../../../server/generic-apiserver.js';
import type { Authorization } from './authorization-modes.js';
import { reconcileBootstrapPolicy } from './reconcile.js';

export interface RBACHookTarget {
  addPostStartHook(name: string, hook: PostStartHook): void;
}

const RETRY_MS = 1000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}

/**
 * The RBAC post-start hooks of the core server: `start-rbac-informers` fills
 * the authorizer's caches (done once synced), and `rbac/bootstrap-roles`
 * reconciles kube's bootstrap cluster roles and bindings, retrying until it
 * succeeds (storage may still be coming up). Both show in /readyz.
 */
export function addRBACPostStartHooks(
  server: RBACHookTarget,
  opts: { authorization?: Authorization; clusterRoles?: Store; clusterRoleBindings?: Store; logger: Logger },
): void {
  const informers = opts.authorization?.rbac?.informers;
  if (informers) {
    server.addPostStartHook('start-rbac-informers', async ({ signal }) => {
      void informers.run(signal).catch((err: unknown) => opts.logger.error('RBAC informers stopped', { err: String(err) }));
      await informers.waitForSync(signal);
    });
  }
  const { clusterRoles, clusterRoleBindings } = opts;
  if (!clusterRoles || !clusterRoleBindings) return;
  server.addPostStartHook('rbac/bootstrap-roles', async ({ signal }) => {
    for (;;) {
      try {
        const { created, updated } = await reconcileBootstrapPolicy({ clusterRoles, clusterRoleBindings });
        if (created.length > 0) opts.logger.info('created bootstrap RBAC policy', { objects: created });
        if (updated.length > 0) opts.logger.info('reconciled bootstrap RBAC policy', { objects: updated });
        return;
      } catch (err) {
        if (signal.aborted) throw err;
        opts.logger.warn('unable to reconcile bootstrap RBAC policy; retrying', { err: err instanceof Error ? err.message : String(err) });
        await sleep(RETRY_MS, signal);
      }
    }
  });
}
