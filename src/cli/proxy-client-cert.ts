import type { PKIFiles } from '../pki/bootstrap.js';
import type { ServerOptions } from './options.js';

/**
 * The files of the client certificate the aggregator presents when it proxies:
 * --proxy-client-cert-file/--proxy-client-key-file when given; otherwise the
 * generated front-proxy client, but only while the requestheader CA is the
 * generated front-proxy CA that issued it (kubeadm's pairing). With a
 * requestheader CA of the operator's own and no flags there is none, as in kube.
 */
export function proxyClientCertFiles(
  opts: Pick<ServerOptions, 'proxyClientCertFile' | 'proxyClientKeyFile' | 'authentication'>,
  pki: Pick<PKIFiles, 'proxyClientCert' | 'proxyClientKey'>,
): { cert: string; key: string } | undefined {
  if (opts.proxyClientCertFile && opts.proxyClientKeyFile) return { cert: opts.proxyClientCertFile, key: opts.proxyClientKeyFile };
  if (opts.authentication.requestHeaderClientCAFile) return undefined;
  return { cert: pki.proxyClientCert, key: pki.proxyClientKey };
}
