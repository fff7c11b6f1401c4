/**
 * @kubernetes/client-node, loaded only when an embedded server starts and only
 * if the consumer installed it: it is an optional peer dependency, never one
 * the server needs to run.
 */
import type { KubeConfig } from '@kubernetes/client-node';

type ClientNode = typeof import('@kubernetes/client-node');

let loading: Promise<ClientNode | undefined> | undefined;

/** The module, or undefined when it is not installed; any other import failure is thrown. */
export function loadClientNode(): Promise<ClientNode | undefined> {
  loading ??= import('@kubernetes/client-node').catch((err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return undefined;
    loading = undefined;
    throw err;
  });
  return loading;
}

/** A KubeConfig loaded from the kubeconfig YAML, or a getter that explains why there is none. */
export function kubeConfigFrom(mod: ClientNode | undefined, yaml: string): () => KubeConfig {
  if (!mod) {
    return () => {
      throw new Error('kubeConfig needs @kubernetes/client-node: npm install --save-dev @kubernetes/client-node (or use kubeconfig/kubeconfigPath)');
    };
  }
  let kc: KubeConfig | undefined;
  return () => {
    if (!kc) {
      kc = new mod.KubeConfig();
      kc.loadFromString(yaml);
    }
    return kc;
  };
}
