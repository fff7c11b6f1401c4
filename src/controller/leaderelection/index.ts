/** Leader election on a coordination.k8s.io/v1 Lease (client-go's tools/leaderelection). */
export { LeaderElector, DEFAULT_LEASE_DURATION_MS, DEFAULT_RENEW_DEADLINE_MS, DEFAULT_RETRY_PERIOD_MS, type LeaderElectionConfig, type LeaderCallbacks } from './leader-elector.js';
export { LeaseLock, microTime, newHolderIdentity } from './lease-lock.js';
export { LeaderControllers, runLeaderOnly, type LeaderOnlyController } from './leader-controllers.js';
export type { LeaderElectionRecord, ObservedRecord, ResourceLock } from './resource-lock.js';
