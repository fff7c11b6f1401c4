import { metricsEnabled } from '../observability/metrics/registry.js';
import { storageClock, storageRequestRecorder, type StorageRequestRecorder } from '../observability/metrics/storage-metrics.js';
import { UnavailableError } from './errors.js';
import type { Storage } from './interfaces.js';

/**
 * A Storage that times each request it passes to the backend in kube's
 * etcd_request_duration_seconds{operation,type} (and etcd_requests_total,
 * etcd_request_errors_total), `type` being the resource's group-resource.
 * A watch cache's backend is wrapped, so reads the cache answers are not
 * counted, as in kube. Only a store that cannot be reached counts as an
 * error: a missing key, a conflict or a refused update is an answer.
 */
export function instrumentStorage(storage: Storage, type: string): Storage {
  if (!metricsEnabled) return storage;
  const get = storageRequestRecorder('get', type);
  const create = storageRequestRecorder('create', type);
  const update = storageRequestRecorder('update', type);
  const del = storageRequestRecorder('delete', type);
  const list = storageRequestRecorder('list', type);
  const count = storageRequestRecorder('listWithCount', type);
  return {
    notifiesProgress: storage.notifiesProgress,
    create: (key, obj) => timed(create, () => storage.create(key, obj)),
    get: (key, opts) => timed(get, () => storage.get(key, opts)),
    list: (prefix, opts) => timed(list, () => storage.list(prefix, opts)),
    guaranteedUpdate: (key, tryUpdate, opts) => timed(update, () => storage.guaranteedUpdate(key, tryUpdate, opts)),
    delete: (key, opts) => timed(del, () => storage.delete(key, opts)),
    count: (prefix) => timed(count, () => storage.count(prefix)),
    watch: (key, opts) => storage.watch(key, opts),
    currentRevision: () => storage.currentRevision(),
  };
}

function timed<T>(recorder: StorageRequestRecorder, request: () => Promise<T>): Promise<T> {
  const start = storageClock();
  return request().then(
    (value) => {
      recorder.done(start, false);
      return value;
    },
    (err: unknown) => {
      recorder.done(start, err instanceof UnavailableError);
      throw err;
    },
  );
}
