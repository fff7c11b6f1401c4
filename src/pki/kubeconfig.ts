/**
 * The admin kubeconfig: one cluster, one user with a client certificate, and a
 * context joining them that is current, so `kubectl --kubeconfig <file>` works as is.
 */
import { stringify } from 'yaml';
import { writeFileAtomic } from './atomic-write.js';

export interface KubeconfigOptions {
  /** The API server URL, e.g. https://127.0.0.1:6443. */
  server: string;
  caCertPem: string;
  clientCertPem: string;
  clientKeyPem: string;
  /** Default "frontdoor". */
  clusterName?: string;
  /** Default "admin". */
  userName?: string;
}

/** The kubeconfig as YAML; the context is named `<user>@<cluster>`, as kubeadm names its admin context. */
export function renderKubeconfig(opts: KubeconfigOptions): string {
  const cluster = opts.clusterName ?? 'frontdoor';
  const user = opts.userName ?? 'admin';
  const context = `${user}@${cluster}`;
  const b64 = (pem: string) => Buffer.from(pem, 'utf8').toString('base64');
  return stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: cluster, cluster: { server: opts.server, 'certificate-authority-data': b64(opts.caCertPem) } }],
      users: [
        {
          name: user,
          user: { 'client-certificate-data': b64(opts.clientCertPem), 'client-key-data': b64(opts.clientKeyPem) },
        },
      ],
      contexts: [{ name: context, context: { cluster, user } }],
      'current-context': context,
      preferences: {},
    },
    // Long base64 lines stay on one line, as kubectl writes them.
    { lineWidth: 0 },
  );
}

/** Writes the kubeconfig with mode 0600 (it holds a private key), atomically. */
export async function writeKubeconfig(path: string, opts: KubeconfigOptions): Promise<void> {
  await writeFileAtomic(path, renderKubeconfig(opts), 0o600);
}
