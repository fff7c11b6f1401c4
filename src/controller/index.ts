/** The in-process controller toolkit: clock, work queues, informer and runner. */
export { FakeClock, realClock, type Clock } from './clock.js';
export { Queue, type QueueGetResult, type WorkQueue } from './workqueue/queue.js';
export { DelayingQueue, type DelayingQueueOptions, type DelayingWorkQueue } from './workqueue/delaying-queue.js';
export { RateLimitingQueue, type RateLimitingQueueOptions, type RateLimitingWorkQueue } from './workqueue/rate-limiting-queue.js';
export {
  BucketRateLimiter,
  defaultControllerRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  type RateLimiter,
} from './workqueue/rate-limiters.js';
export {
  Indexer,
  metaNamespaceKey,
  NAMESPACE_INDEX,
  namespaceIndexFunc,
  splitMetaNamespaceKey,
  type IndexerReader,
  type IndexFunc,
  type KeyFunc,
} from './indexer.js';
export { Informer, type InformerOptions, type ResourceEventHandler } from './informer.js';
export { ControllerRunner, type ControllerRunnerOptions, type SyncFunc } from './controller-runner.js';
