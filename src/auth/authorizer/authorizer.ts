import type { UserInfo } from '../user.js';

/** kube's authorizer.Attributes: who wants to do what, on what. */
export interface Attributes {
  user: UserInfo;
  verb: string;
  isResourceRequest: boolean;
  path: string;
  namespace: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  name: string;
}

export type Decision = 'Allow' | 'Deny' | 'NoOpinion';

export interface Authorizer {
  authorize(attrs: Attributes): { decision: Decision; reason: string } | Promise<{ decision: Decision; reason: string }>;
}

/** Asks each in turn; the first Allow or Deny wins, as kube's union authorizer. */
export function unionAuthorizer(...authorizers: Authorizer[]): Authorizer {
  return {
    async authorize(attrs) {
      const reasons: string[] = [];
      for (const a of authorizers) {
        const d = await a.authorize(attrs);
        if (d.decision !== 'NoOpinion') return d;
        if (d.reason) reasons.push(d.reason);
      }
      return { decision: 'NoOpinion', reason: reasons.join(', ') };
    },
  };
}

/** kube's forbiddenMessage: what the user may not do, in the words kubectl shows. */
export function forbiddenMessage(attrs: Attributes): string {
  const who = JSON.stringify(attrs.user.name);
  if (!attrs.isResourceRequest) return `User ${who} cannot ${attrs.verb} path ${JSON.stringify(attrs.path)}`;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const scope = attrs.namespace ? `in the namespace ${JSON.stringify(attrs.namespace)}` : 'at the cluster scope';
  return `User ${who} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.apiGroup)} ${scope}`;
}
