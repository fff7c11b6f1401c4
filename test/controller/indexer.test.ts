import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Indexer, metaNamespaceKey, namespaceIndexFunc, NAMESPACE_INDEX, splitMetaNamespaceKey } from '../../src/controller/indexer.js';
import type { StoredObject } from '../../src/storage/interfaces.js';

const obj = (name: string, namespace?: string, labels: Record<string, string> = {}): StoredObject => ({
  metadata: { name, ...(namespace ? { namespace } : {}), labels },
});
const byApp = (o: StoredObject): string[] => {
  const app = (o.metadata?.labels as Record<string, string> | undefined)?.app;
  return app ? [app] : [];
};

describe('keys', () => {
  it('metaNamespaceKey is namespace/name, or name when cluster-scoped', () => {
    assert.equal(metaNamespaceKey(obj('web', 'default')), 'default/web');
    assert.equal(metaNamespaceKey(obj('kube-system')), 'kube-system');
    assert.throws(() => metaNamespaceKey({ metadata: {} }), TypeError);
  });

  it('splitMetaNamespaceKey inverts it', () => {
    assert.deepEqual(splitMetaNamespaceKey('default/web'), { namespace: 'default', name: 'web' });
    assert.deepEqual(splitMetaNamespaceKey('kube-system'), { namespace: '', name: 'kube-system' });
    assert.throws(() => splitMetaNamespaceKey('a/b/c'), TypeError);
  });
});

describe('Indexer', () => {
  const make = () => new Indexer<StoredObject>({ [NAMESPACE_INDEX]: namespaceIndexFunc, app: byApp });

  it('gets, lists and counts by key', () => {
    const ix = make();
    const a = obj('a', 'ns1');
    ix.set('ns1/a', a);
    ix.set('ns2/b', obj('b', 'ns2'));
    assert.equal(ix.get('ns1/a'), a);
    assert.equal(ix.get('missing'), undefined);
    assert.deepEqual(ix.listKeys().sort(), ['ns1/a', 'ns2/b']);
    assert.equal(ix.list().length, 2);
    assert.equal(ix.size, 2);
  });

  it('finds objects by a named index and keeps it current across updates and deletes', () => {
    const ix = make();
    ix.set('ns1/a', obj('a', 'ns1', { app: 'web' }));
    ix.set('ns1/b', obj('b', 'ns1', { app: 'db' }));
    ix.set('ns2/c', obj('c', 'ns2', { app: 'web' }));
    const names = (os: StoredObject[]) => os.map((o) => o.metadata?.name).sort();
    assert.deepEqual(names(ix.byIndex(NAMESPACE_INDEX, 'ns1')), ['a', 'b']);
    assert.deepEqual(names(ix.byIndex('app', 'web')), ['a', 'c']);

    const old = ix.set('ns1/a', obj('a', 'ns1', { app: 'db' }));
    assert.equal((old?.metadata?.labels as Record<string, string>).app, 'web');
    assert.deepEqual(names(ix.byIndex('app', 'web')), ['c']);
    assert.deepEqual(names(ix.byIndex('app', 'db')), ['a', 'b']);

    ix.delete('ns1/b');
    assert.deepEqual(names(ix.byIndex(NAMESPACE_INDEX, 'ns1')), ['a']);
    assert.deepEqual(names(ix.byIndex('app', 'db')), ['a']);
    assert.deepEqual(ix.byIndex('app', 'nothing'), []);
  });

  it('refuses an index it does not have', () => {
    assert.throws(() => make().byIndex('nope', 'x'), /index "nope" does not exist/);
  });
});
