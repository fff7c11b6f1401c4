import { join } from 'node:path';
import { buildAuthentication, type BuiltAuthentication } from '../auth/authenticator/config.js';
import { TokenFileAuthenticator } from '../auth/authenticator/token-file.js';
import { audienceAgnostic } from '../auth/authenticator/token.js';
import { storeGetter, type ServiceAccountTokenGetter } from '../auth/serviceaccount/getter.js';
import { ensureSigningKey, loadSigningKey, loadVerifyKeys, type SigningKey } from '../auth/serviceaccount/keys.js';
import { TokenGenerator } from '../auth/serviceaccount/token-generator.js';
import { tokenRequestHandlers } from '../auth/serviceaccount/token-request.js';
import { DynamicFileCAContent } from '../dynamiccertificates/dynamic-cafile-content.js';
import type { ExtraHandlers } from '../endpoints/installer.js';
import type { MasterServer } from '../master/master.js';
import type { Logger } from '../observability/logger.js';
import type { AuthenticationFlags } from './options.js';

export interface AuthenticationSetup {
  authentication: BuiltAuthentication;
  /** The front-proxy CA: the TLS server must also accept client certificates from it; run it with the others. */
  requestHeaderCA: DynamicFileCAContent;
  /** serviceaccounts/token, for the core server's extra handlers. */
  serviceAccountTokenHandlers: ExtraHandlers;
  /** The front-proxy names in use (the flag, or the default that goes with the generated CA): published for aggregated servers. */
  requestHeaderAllowedNames: string[];
}

export interface AuthenticationInputs {
  flags: AuthenticationFlags;
  certDir: string;
  /** The generated front-proxy CA, used when --requestheader-client-ca-file is not given. */
  generatedFrontProxyCA: string;
  clientCA: DynamicFileCAContent;
  /** The core server, once built: service account tokens are checked against its stores. */
  master: () => MasterServer | undefined;
  logger: Logger;
}

/** kube's authentication flags turned into authenticators, keys and the TokenRequest handler. */
export async function setUpAuthentication(inp: AuthenticationInputs): Promise<AuthenticationSetup> {
  const { flags, logger } = inp;
  const signingKey = await signingKeyFor(flags, inp.certDir, logger);
  const verifyKeys = [{ key: signingKey.key, kid: signingKey.kid }, ...(await loadVerifyKeys(flags.serviceAccountKeyFiles))];

  const core = (resource: string) => storeGetter(() => inp.master()?.installer.store('', 'v1', resource));
  const getter: ServiceAccountTokenGetter = { serviceAccount: core('serviceaccounts'), pod: core('pods'), secret: core('secrets') };

  const generated = !flags.requestHeaderClientCAFile;
  const requestHeaderCA = new DynamicFileCAContent('request-header', flags.requestHeaderClientCAFile ?? inp.generatedFrontProxyCA, { logger });
  await requestHeaderCA.runOnce();

  // kubeadm's choice for its own front proxy, when the CA is ours too.
  const allowedNames = flags.requestHeaderAllowedNames ?? (generated ? ['front-proxy-client'] : []);

  const tokenFile = flags.tokenAuthFile
    ? await TokenFileAuthenticator.fromFile(flags.tokenAuthFile, (msg) => logger.warn(msg))
    : undefined;

  const authentication = buildAuthentication({
    requestHeader: {
      clientCA: requestHeaderCA,
      allowedNames,
      usernameHeaders: flags.requestHeaderUsernameHeaders,
      groupHeaders: flags.requestHeaderGroupHeaders,
      extraHeaderPrefixes: flags.requestHeaderExtraHeadersPrefix,
    },
    clientCA: inp.clientCA,
    tokenFile: tokenFile && audienceAgnostic(tokenFile, flags.apiAudiences),
    serviceAccount: { issuers: flags.serviceAccountIssuers, keys: verifyKeys, getter },
    apiAudiences: flags.apiAudiences,
    anonymous: flags.anonymousAuth,
  });
  const generator = new TokenGenerator(flags.serviceAccountIssuers[0]!, signingKey);
  const tokenRequest = tokenRequestHandlers({ generator, apiAudiences: flags.apiAudiences, getter });
  return {
    authentication,
    requestHeaderCA,
    serviceAccountTokenHandlers: { token: { create: tokenRequest.create } },
    requestHeaderAllowedNames: allowedNames,
  };
}

async function signingKeyFor(flags: AuthenticationFlags, certDir: string, logger: Logger): Promise<SigningKey> {
  if (flags.serviceAccountSigningKeyFile) return loadSigningKey(flags.serviceAccountSigningKeyFile);
  const path = join(certDir, 'sa.key');
  const { key, generated } = await ensureSigningKey(path);
  if (generated) logger.info('generated the service account signing key', { file: path });
  return key;
}
