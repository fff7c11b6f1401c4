import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { realClock } from '../../../src/storage/cacher/clock.js';
import { WatchCache } from '../../../src/storage/cacher/watch-cache.js';

const obj = (ns: string | undefined, name: string) => ({ metadata: { name, ...(ns ? { namespace: ns } : {}) } });

describe('WatchCache.count', () => {
  it('counts all objects and those of a namespace as events apply', () => {
    const cache = new WatchCache(10, realClock);
    cache.replace(
      [
        ['/cm/a/1', obj('a', '1')],
        ['/cm/a/2', obj('a', '2')],
        ['/cm/b/1', obj('b', '1')],
      ],
      5,
    );
    assert.deepEqual([cache.count(), cache.count('a'), cache.count('b'), cache.count('c')], [3, 2, 1, 0]);
    cache.apply('ADDED', '/cm/c/1', obj('c', '1'), 6);
    cache.apply('MODIFIED', '/cm/a/1', obj('a', '1'), 7);
    cache.apply('DELETED', '/cm/b/1', obj('b', '1'), 8);
    cache.apply('DELETED', '/cm/b/9', obj('b', '9'), 9);
    assert.deepEqual([cache.count(), cache.count('a'), cache.count('b'), cache.count('c')], [3, 2, 0, 1]);
    cache.replace([['/ns/x', obj(undefined, 'x')]], 10);
    assert.deepEqual([cache.count(), cache.count('a')], [1, 0]);
  });
});
