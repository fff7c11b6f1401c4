import type { Authorizer } from './authorizer.js';

/** Allows every request of a member of these groups (kube: system:masters), else no opinion. */
export function privilegedGroupsAuthorizer(groups: string[]): Authorizer {
  const privileged = new Set(groups);
  return {
    authorize: ({ user }) =>
      user.groups.some((g) => privileged.has(g)) ? { decision: 'Allow', reason: '' } : { decision: 'NoOpinion', reason: '' },
  };
}
