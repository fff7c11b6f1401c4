export { DiscoveryManager, type DiscoveryManagerOptions } from './manager.js';
export { compareKubeAwareVersions, BUILTIN_GROUP_PRIORITIES, DEFAULT_GROUP_PRIORITY } from './order.js';
export type * from './types.js';
