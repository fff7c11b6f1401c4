import type { Authorizer } from './authorizer.js';

/**
 * Lets anyone, authenticated or not, read the health and version endpoints:
 * what kube grants through the system:public-info-viewer role, until RBAC
 * serves that role itself.
 */
export const PUBLIC_INFO_PATHS = ['/healthz', '/livez', '/readyz', '/version'];

export function isPublicInfoPath(path: string): boolean {
  return PUBLIC_INFO_PATHS.some((p) => path === p || path === `${p}/` || path.startsWith(`${p}/`));
}

export function publicInfoAuthorizer(): Authorizer {
  return {
    authorize: ({ isResourceRequest, verb, path }) =>
      !isResourceRequest && verb === 'get' && isPublicInfoPath(path)
        ? { decision: 'Allow', reason: '' }
        : { decision: 'NoOpinion', reason: '' },
  };
}
