import assert from 'node:assert/strict';
import { it } from 'node:test';
import { writeTurn } from '../../../src/endpoints/responsewriters/write-turns.js';

const nextImmediate = () => new Promise<void>((resolve) => setImmediate(resolve));

it('a turn of the event loop lets only a few waiting writers go, in the order they asked', async () => {
  const went: number[] = [];
  const all = Array.from({ length: 9 }, (_, i) => writeTurn().then(() => went.push(i)));
  // The turn was scheduled before this immediate, so it has run when this one does.
  await nextImmediate();
  assert.deepEqual(went, [0, 1, 2, 3]);
  await nextImmediate();
  assert.deepEqual(went, [0, 1, 2, 3, 4, 5, 6, 7]);
  await Promise.all(all);
  assert.deepEqual(went, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
});
