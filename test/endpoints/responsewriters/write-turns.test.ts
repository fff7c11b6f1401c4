import assert from 'node:assert/strict';
import { it } from 'node:test';
import { WRITERS_PER_TURN, writeTurn } from '../../../src/endpoints/responsewriters/write-turns.js';

const nextImmediate = () => new Promise<void>((resolve) => setImmediate(resolve));
const upTo = (n: number) => Array.from({ length: n }, (_, i) => i);

it('a turn of the event loop lets only a few waiting writers go, in the order they asked', async () => {
  const went: number[] = [];
  const all = upTo(2 * WRITERS_PER_TURN + 1).map((i) => writeTurn().then(() => went.push(i)));
  // The turn was scheduled before this immediate, so it has run when this one does.
  await nextImmediate();
  assert.deepEqual(went, upTo(WRITERS_PER_TURN));
  await nextImmediate();
  assert.deepEqual(went, upTo(2 * WRITERS_PER_TURN));
  await Promise.all(all);
  assert.deepEqual(went, upTo(2 * WRITERS_PER_TURN + 1));
});
