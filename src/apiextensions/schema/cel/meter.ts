/**
 * Runtime cost bound. @bufbuild/cel has no cost tracking, so compile.ts
 * wraps every comprehension step in `@meter(step)`, which counts one unit
 * per iteration against the budget of the evaluation in progress
 * (evaluation is synchronous, so one current meter suffices). Past the
 * budget the step fails, every loop's condition (`@meter_guard(cond)`)
 * turns false so evaluation ends quickly, and the meter stays exhausted, so the caller
 * reports kube's "running out of cost budget" whatever the expression
 * made of the failure.
 */
import { celFunc, CelScalar, type CelValue } from '@bufbuild/cel';

export const METER_FUNCTION = '@meter';
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

export const meterFunc = celFunc(METER_FUNCTION, [CelScalar.DYN], CelScalar.DYN, (step: CelValue) => {
  if (current && ++current.used > current.budget) throw new Error('operation cancelled: actual cost limit exceeded');
  return step;
});

export const meterGuardFunc = celFunc(METER_GUARD_FUNCTION, [CelScalar.BOOL], CelScalar.BOOL, (cond: boolean) => cond && !(current?.exhausted ?? false));
