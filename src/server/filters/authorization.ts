import type { RequestHandler } from 'express';
import { addAuditAnnotations } from '../../audit/context.js';
import { newForbidden, newInternalError } from '../../apimachinery/status-error.js';
import { requestInfoFrom, userFrom } from '../../endpoints/request/context.js';
import { forbiddenMessage, type Attributes, type Authorizer } from '../../auth/authorizer/authorizer.js';

/** Asks the authorizer; anything but Allow is a 403 in kube's words. */
export function withAuthorization(authorizer: Authorizer): RequestHandler {
  return async (req, _res, next) => {
    const info = requestInfoFrom(req);
    const user = userFrom(req);
    if (!info || !user) {
      next(newInternalError('no RequestInfo or user found in the request context'));
      return;
    }
    const attrs: Attributes = {
      user,
      verb: info.verb,
      isResourceRequest: info.isResourceRequest,
      path: info.path,
      namespace: info.namespace,
      apiGroup: info.apiGroup,
      apiVersion: info.apiVersion,
      resource: info.resource,
      subresource: info.subresource,
      name: info.name,
    };
    const { decision, reason } = await authorizer.authorize(attrs);
    addAuditAnnotations(req, { 'authorization.k8s.io/decision': decision === 'Allow' ? 'allow' : 'forbid', 'authorization.k8s.io/reason': reason });
    if (decision === 'Allow') {
      next();
      return;
    }
    const message = forbiddenMessage(attrs) + (reason ? `: ${reason}` : '');
    next(newForbidden({ group: info.apiGroup, resource: info.resource }, info.name, message));
  };
}
