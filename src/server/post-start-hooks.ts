import type { Logger } from '../observability/logger.js';
import type { PostStartHook } from './generic-apiserver.js';
import type { HealthChecker } from './healthz.js';

/**
 * Runs post-start hooks once the server listens, each on its own, and exposes
 * each one's completion as the health check `poststarthook/<name>`. A hook
 * that fails is logged and leaves its check failing: kube exits the process for
 * that; we keep serving so the failure stays visible in /readyz?verbose.
 */
export class PostStartHookRunner {
  private readonly state = new Map<string, { done: boolean; error?: unknown }>();

  constructor(
    private readonly hooks: Map<string, PostStartHook>,
    private readonly logger: Logger,
  ) {
    for (const name of hooks.keys()) this.state.set(name, { done: false });
  }

  healthChecks(): HealthChecker[] {
    return [...this.hooks.keys()].map((name) => ({
      name: `poststarthook/${name}`,
      check: () => {
        const s = this.state.get(name);
        if (s?.error !== undefined) throw new Error(`hook failed: ${describe(s.error)}`);
        if (!s?.done) throw new Error('not finished');
      },
    }));
  }

  /** Resolves when every hook has finished or failed. */
  async run(signal: AbortSignal): Promise<void> {
    await Promise.all(
      [...this.hooks].map(async ([name, hook]) => {
        const s = this.state.get(name)!;
        try {
          await hook({ signal });
          s.done = true;
        } catch (err) {
          s.error = err;
          this.logger.error('post-start hook failed', { hook: name, err: describe(err) });
        }
      }),
    );
  }
}

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));
