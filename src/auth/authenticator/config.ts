import type { UserInfo } from '../user.js';
import { anonymousUser } from './anonymous.js';
import { authenticatedGroupAdder, unionAuthenticator, type Authenticator } from './authenticator.js';
import { createBearerTokenAuthenticator } from './bearer-token.js';
import { createRequestHeaderAuthenticator, requestHeaderNames, type RequestHeaderOptions } from './requestheader.js';
import { createServiceAccountAuthenticator, type ServiceAccountAuthenticatorOptions } from './service-account.js';
import { unionTokenAuthenticator, type TokenAuthenticator } from './token.js';
import { createX509Authenticator, type VerifyOptionsProvider } from './x509.js';
import { ALL_AUTHENTICATED } from '../user.js';

/** What is configured (kube's authenticator.Config); each part is off when absent. */
export interface AuthenticationConfig {
  requestHeader?: RequestHeaderOptions;
  /** The client CA for x509; without it the TLS handshake's verdict is taken. */
  clientCA?: VerifyOptionsProvider;
  /** x509 client certificates (on unless false). */
  x509?: boolean;
  tokenFile?: TokenAuthenticator;
  serviceAccount?: ServiceAccountAuthenticatorOptions;
  /** --api-audiences: what a token must be meant for (kube defaults them to the issuer). */
  apiAudiences: string[];
  /** --anonymous-auth. */
  anonymous: boolean;
}

export interface BuiltAuthentication {
  /** Every request goes through this; null means no credentials and no anonymous access (401). */
  authenticator: Authenticator;
  /** Tokens alone (TokenReview), with system:authenticated added, as kube's. */
  tokenAuthenticator: TokenAuthenticator;
  apiAudiences: string[];
  /** Headers that carry identity: removed from every request after authentication. */
  identityHeaders: { names: string[]; prefixes: string[] };
}

/**
 * kube's authenticator.Config.New: requestheader, x509, then bearer tokens
 * (token file, service accounts), all in one union; system:authenticated
 * added to whoever they name; then, only when none of them saw credentials
 * at all, anonymous. A refused credential never becomes anonymous.
 */
export function buildAuthentication(cfg: AuthenticationConfig): BuiltAuthentication {
  const parts: Authenticator[] = [];
  if (cfg.requestHeader) parts.push(createRequestHeaderAuthenticator(cfg.requestHeader));
  if (cfg.x509 !== false) parts.push(createX509Authenticator({ clientCA: cfg.clientCA }));
  const tokens: TokenAuthenticator[] = [];
  if (cfg.tokenFile) tokens.push(cfg.tokenFile);
  if (cfg.serviceAccount) tokens.push(createServiceAccountAuthenticator(cfg.serviceAccount));
  const tokenUnion = unionTokenAuthenticator(...tokens);
  if (tokens.length > 0) parts.push(createBearerTokenAuthenticator(tokenUnion, cfg.apiAudiences));

  let authenticator = authenticatedGroupAdder(unionAuthenticator(...parts));
  if (cfg.anonymous) authenticator = orAnonymous(authenticator);
  const rh = cfg.requestHeader ? requestHeaderNames(cfg.requestHeader) : { names: [], prefixes: [] };
  return {
    authenticator,
    tokenAuthenticator: {
      async authenticateToken(token, audiences) {
        const r = await tokenUnion.authenticateToken(token, audiences);
        return r && { ...r, user: withAuthenticatedGroup(r.user) };
      },
    },
    apiAudiences: cfg.apiAudiences,
    identityHeaders: { names: ['authorization', ...rh.names], prefixes: rh.prefixes },
  };
}

/** kube's union.NewFailOnError(auth, anonymous): errors stay errors, only "no credentials" becomes anonymous. */
function orAnonymous(inner: Authenticator): Authenticator {
  return {
    async authenticate(req) {
      return (await inner.authenticate(req)) ?? anonymousUser();
    },
  };
}

function withAuthenticatedGroup(user: UserInfo): UserInfo {
  return user.groups.includes(ALL_AUTHENTICATED) ? user : { ...user, groups: [...user.groups, ALL_AUTHENTICATED] };
}
