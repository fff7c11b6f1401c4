import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ListenerSet, type Notifier } from '../../src/dynamiccertificates/interfaces.js';

it('ListenerSet tells every listener, in order, once per notify', () => {
  const calls: string[] = [];
  const set = new ListenerSet();
  const notifier: Notifier = set;
  notifier.addListener({ enqueue: () => calls.push('first') });
  notifier.addListener({ enqueue: () => calls.push('second') });
  assert.equal(set.size, 2);
  set.notify();
  set.notify();
  assert.deepEqual(calls, ['first', 'second', 'first', 'second']);
});
