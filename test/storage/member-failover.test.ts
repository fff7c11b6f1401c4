/** The etcd client's member failover policies, driven directly with a fake time source. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memberFailover, SKIP_UNREACHABLE_MS } from '../../src/storage/etcd3/member-failover.js';

const refused = () => new Error('14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1');
type Exec = { execute<T>(fn: () => Promise<T>): Promise<T> };

describe('memberFailover', () => {
  it('skips a member that refused a connection (without calling through) until the pause ends, unless every member is skipped', async () => {
    let t = 0;
    const f = memberFailover(2, () => t);
    const a = f.host!('a') as unknown as Exec;
    const b = f.host!('b') as unknown as Exec;
    let calls = 0;
    await assert.rejects(a.execute(async () => { calls++; throw refused(); }), /ECONNREFUSED/);
    await assert.rejects(a.execute(async () => { calls++; return 1; }), /skipped/);
    assert.equal(calls, 1);
    // A failure that reached etcd marks nothing.
    await assert.rejects(b.execute(async () => { throw new Error('14 UNAVAILABLE: etcdserver: leader changed'); }), /leader changed/);
    assert.equal(await b.execute(async () => 2), 2);
    // Both refused: none is skipped, so a call can find one that came back.
    await assert.rejects(b.execute(async () => { throw refused(); }));
    assert.equal(await a.execute(async () => 3), 3);
    t += SKIP_UNREACHABLE_MS + 1;
    assert.equal(await b.execute(async () => 4), 4);
  });

  it('retries on the next member only a call that was never sent, at most once per member', async () => {
    const f = memberFailover(3);
    const global = f.global as unknown as Exec;
    let tries = 0;
    assert.equal(await global.execute(async () => (++tries < 3 ? Promise.reject(refused()) : 'ok')), 'ok');
    assert.equal(tries, 3);
    tries = 0;
    await assert.rejects(global.execute(async () => { tries++; throw refused(); }), /ECONNREFUSED/);
    assert.equal(tries, 3);
    tries = 0;
    await assert.rejects(global.execute(async () => { tries++; throw new Error('etcdserver: request timed out'); }), /timed out/);
    assert.equal(tries, 1);
  });
});
