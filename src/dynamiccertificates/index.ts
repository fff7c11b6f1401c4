/** Certificates and keys that change on disk while the server runs, and the TLS context that follows them. */
export {
  ListenerSet,
  type CAContentProvider,
  type CertKeyContent,
  type CertKeyContentProvider,
  type CertPoolView,
  type CertVerifyOptions,
  type Listener,
  type Notifier,
  type SNICertKeyContentProvider,
} from './interfaces.js';
export { CertPool } from './cert-pool.js';
export { DynamicFileCAContent } from './dynamic-cafile-content.js';
export { DynamicCertKeyPairContent } from './dynamic-certkey-content.js';
export { DynamicSNIContent, certificateNames, parseNamedCertKey, type NamedCertKeyFlag } from './dynamic-sni-content.js';
export type { DynamicFileOptions } from './file-content-controller.js';
export { StaticCAContent, StaticCertKeyContent } from './static-content.js';
export { UnionCAContent } from './union-ca-content.js';
export { TLSContextController, type SecureContextTarget, type TLSContextControllerOptions } from './tls-context-controller.js';
export { parseCABundle, parseCertKeyPair, parseCertificates } from './pem.js';
