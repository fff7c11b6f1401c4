import { appsV1Resources } from '../apis/apps/v1/index.js';
import { batchV1Resources } from '../apis/batch/v1/index.js';
import { eventsV1Resources } from '../apis/events/v1/index.js';
import { networkingV1Resources } from '../apis/networking/v1/index.js';
import { policyV1Resources } from '../apis/policy/v1/index.js';
import { schedulingV1Resources } from '../apis/scheduling/v1/index.js';
import { autoscalingResources } from '../apis/autoscaling/index.js';
import { coordinationV1Resources } from '../apis/coordination/v1/index.js';
import { discoveryV1Resources } from '../apis/discovery/v1/index.js';
import { coreV1Resources } from '../apis/core/v1/index.js';
import { rbacV1Resources } from '../apis/rbac/v1/index.js';
import { bindingHandlers } from '../endpoints/handlers/binding.js';
import type { ExtraHandlers } from '../endpoints/installer.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';

/** Every built-in resource the core server can serve (kube's RESTStorageProviders, as a list). */
export function builtinResources(): ResourceDefinition[] {
  return [...coreV1Resources, ...appsV1Resources, ...autoscalingResources, ...batchV1Resources, ...policyV1Resources, ...networkingV1Resources, ...schedulingV1Resources, ...eventsV1Resources, ...coordinationV1Resources, ...discoveryV1Resources, ...rbacV1Resources] as ResourceDefinition[];
}

/** Subresources with a REST shape of their own, by "group/resource". */
export const builtinExtraHandlers: Record<string, ExtraHandlers> = {
  '/pods': { binding: bindingHandlers },
};
