import type { ResolvedEndpoint } from './resolve.js';

/** Chooses the endpoint for one request among a non-empty list (which may differ from call to call). */
export type EndpointPicker = (endpoints: readonly ResolvedEndpoint[]) => ResolvedEndpoint;

export type PickStrategy = 'random' | 'round-robin';

/**
 * kube picks a random ready endpoint per request; round robin spreads a
 * steady stream evenly. The counter is per picker, so each APIService's
 * proxy keeps its own turn. `random` is injectable for tests.
 */
export function createEndpointPicker(strategy: PickStrategy = 'random', random: () => number = Math.random): EndpointPicker {
  if (strategy === 'random') {
    return (endpoints) => endpoints[Math.floor(random() * endpoints.length) % endpoints.length]!;
  }
  let turn = 0;
  return (endpoints) => {
    const ep = endpoints[turn % endpoints.length]!;
    turn = (turn + 1) % Number.MAX_SAFE_INTEGER;
    return ep;
  };
}
