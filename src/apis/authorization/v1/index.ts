/**
 * authorization.k8s.io/v1: the four access reviews, create-only and never
 * stored (kube's pkg/registry/authorization), served through the installer's
 * create-only capability.
 */
export { authorizationReviews, type ReviewHandlerOptions } from './handlers.js';
export { AUTHORIZATION_GROUP } from './types.js';
