/**
 * Runs `kubectl.1.32 create <kind> ... --dry-run=client -o json` (no server
 * needed) and returns the object kubectl would send, or undefined when that
 * kubectl is not installed (the caller skips).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KubeObject } from '../../../src/registry/object.js';

function findKubectl(): string | undefined {
  try {
    const onPath = execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();
    const candidate = join(dirname(realpathSync(onPath)), 'kubectl.1.32');
    return existsSync(candidate) ? candidate : undefined;
  } catch {
    return undefined;
  }
}

export const KUBECTL_132 = findKubectl();

/** `command` goes after `--` (the container command of a job or cron job). */
export function kubectlCreate(args: string[], command: string[] = []): KubeObject {
  if (!KUBECTL_132) throw new Error('kubectl.1.32 not found');
  const out = execFileSync(KUBECTL_132, ['create', ...args, '--dry-run=client', '-o', 'json', '--kubeconfig', '/dev/null', ...(command.length > 0 ? ['--', ...command] : [])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const obj = JSON.parse(out) as KubeObject;
  // The Store would fill these; kubectl leaves creationTimestamp null and no namespace.
  obj.metadata = { ...obj.metadata, namespace: 'default', uid: '6f3b4a3e-0000-4000-8000-000000000001' };
  delete obj.metadata.creationTimestamp;
  return obj;
}
