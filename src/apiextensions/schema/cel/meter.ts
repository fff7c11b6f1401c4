/**
 * Runtime cost bound. @bufbuild/cel has no cost tracking, so compile.ts
 * wraps every comprehension's loop condition in `@meter_guard(cond)`, which
 * the fold evaluates once before each iteration: it counts that iteration
 * against the budget of the evaluation in progress (evaluation is
 * synchronous, so one current meter suffices) and, past the budget, turns
 * false, so every loop ends at its next iteration and evaluation ends
 * quickly. The meter stays exhausted, so the caller reports kube's "running
 * out of cost budget" whatever the expression made of the cut-short loops.
 * (One call per iteration: counting in the step as well doubled the calls.)
 */
import { celFunc, CelScalar } from '@bufbuild/cel';

export const METER_GUARD_FUNCTION = '@meter_guard';

/**
 * Comprehension iterations allowed per request (kube's RuntimeCELCostBudget
 * counts cost units, 10M; an iteration here costs far more than one of kube's
 * units, so this bounds a request's CEL time to about a second).
 */
export const RUNTIME_ITERATION_BUDGET = 1_000_000;

export class Meter {
  used = 0;
  constructor(readonly budget: number) {}
  get exhausted(): boolean {
    return this.used > this.budget;
  }
}

let current: Meter | undefined;

/** Runs `fn` with `meter` counting its iterations. */
export function metering<T>(meter: Meter, fn: () => T): T {
  const previous = current;
  current = meter;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

/** Counts one iteration against the current meter; false once it is past its budget. */
export function meterTick(): boolean {
  return !(current && ++current.used > current.budget);
}

export const meterGuardFunc = celFunc(METER_GUARD_FUNCTION, [CelScalar.BOOL], CelScalar.BOOL, (cond: boolean) => meterTick() && cond);
