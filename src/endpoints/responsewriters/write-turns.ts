/**
 * Turns of the event loop shared by every large response being written. A
 * writer awaits `writeTurn()` before each batch; each turn lets only
 * WRITERS_PER_TURN of the waiting writers go, round robin, then yields. So a
 * turn of the loop holds a bounded amount of serializing however many large
 * lists are in flight, and the loop soon comes back to its I/O: libuv accepts
 * one new connection per turn, so long turns under a storm of lists left new
 * connections (and their TLS handshakes) waiting in the accept queue for
 * seconds while kept-alive ones were served.
 */

/** Four batches of ~64 KiB per turn: about a millisecond of work once items' JSON is reused. */
export const WRITERS_PER_TURN = 8;

let waiting: (() => void)[] = [];
let scheduled = false;

/** Resolves when it is this writer's turn to make and write its next batch. */
export function writeTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    schedule();
  });
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  // setImmediate: the next turn comes after the loop has polled for I/O once.
  setImmediate(runTurn);
}

function runTurn(): void {
  scheduled = false;
  const now = waiting.slice(0, WRITERS_PER_TURN);
  waiting = waiting.slice(WRITERS_PER_TURN);
  if (waiting.length > 0) schedule();
  for (const resolve of now) resolve();
}
