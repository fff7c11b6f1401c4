/**
 * Label selectors (kube's labels.Selector): parsing the `labelSelector` query
 * string, converting a metav1.LabelSelector, matching label sets, and printing
 * the canonical form.
 */
import { compareGoStrings, goQuote } from './validation/go-format.js';
import { type LabelOperator, LabelRequirement, type Labels, newRequirement } from './label-requirement.js';
import { parseLabelRequirements } from './label-parser.js';
import { SelectorParseError } from './selector-error.js';

export { LabelRequirement, newRequirement, type LabelOperator, type Labels } from './label-requirement.js';
export { SelectorParseError } from './selector-error.js';

const byKey = (a: LabelRequirement, b: LabelRequirement): number => compareGoStrings(a.key, b.key);

/** An AND of requirements, kept sorted by key as kube keeps them. */
export class LabelSelector {
  private static readonly EVERYTHING = new LabelSelector([]);
  private static readonly NOTHING = new LabelSelector([], true);

  private readonly reqs: readonly LabelRequirement[];

  private constructor(
    requirements: readonly LabelRequirement[],
    private readonly matchesNothing = false,
  ) {
    this.reqs = [...requirements].sort(byKey);
  }

  /** Selects every object. */
  static everything(): LabelSelector {
    return LabelSelector.EVERYTHING;
  }

  /** Selects no object (a nil metav1.LabelSelector). */
  static nothing(): LabelSelector {
    return LabelSelector.NOTHING;
  }

  /** A selector from requirements already validated by newRequirement(). */
  static of(requirements: readonly LabelRequirement[]): LabelSelector {
    return new LabelSelector(requirements);
  }

  /** A copy with more requirements. */
  add(...requirements: LabelRequirement[]): LabelSelector {
    return this.matchesNothing ? this : new LabelSelector([...this.reqs, ...requirements]);
  }

  matches(labels: Labels | null | undefined): boolean {
    if (this.matchesNothing) return false;
    return this.reqs.every((r) => r.matches(labels));
  }

  /** True when the selector does not restrict anything. */
  isEmpty(): boolean {
    return !this.matchesNothing && this.reqs.length === 0;
  }

  /** True only for nothing(). */
  isNothing(): boolean {
    return this.matchesNothing;
  }

  requirements(): readonly LabelRequirement[] {
    return this.reqs;
  }

  /** The value the selector pins `key` to (`key=v`, `key==v` or `key in (v)`), if it does. */
  requiresExactMatch(key: string): string | undefined {
    const r = this.reqs.find((req) => req.key === key);
    if (!r) return undefined;
    const exact = r.operator === '=' || r.operator === '==' || r.operator === 'in';
    return exact && r.values.length === 1 ? r.values[0] : undefined;
  }

  /** kube's canonical form: requirements sorted by key, joined by ','. */
  toString(): string {
    return this.reqs.map(String).join(',');
  }
}

/** Parses a `labelSelector` string; throws SelectorParseError with kube's message. */
export function parseLabelSelector(text: string): LabelSelector {
  return LabelSelector.of(parseLabelRequirements(text));
}

/** metav1.LabelSelectorRequirement. */
export interface LabelSelectorRequirementSpec {
  key: string;
  operator: string;
  values?: readonly string[] | null;
}

/** metav1.LabelSelector, as it appears in a Deployment's spec.selector. */
export interface LabelSelectorSpec {
  matchLabels?: Readonly<Record<string, string>> | null;
  matchExpressions?: readonly LabelSelectorRequirementSpec[] | null;
}

const OPERATORS: Readonly<Record<string, LabelOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * kube's LabelSelectorAsSelector: a missing selector selects nothing, an empty
 * one everything. Throws SelectorParseError with kube's message on a bad
 * operator, key or value.
 */
export function labelSelectorAsSelector(ls: LabelSelectorSpec | null | undefined): LabelSelector {
  if (!ls) return LabelSelector.nothing();
  const matchLabels = Object.entries(ls.matchLabels ?? {});
  const expressions = ls.matchExpressions ?? [];
  if (matchLabels.length + expressions.length === 0) return LabelSelector.everything();
  const requirements = matchLabels.map(([k, v]) => newRequirement(k, '=', [v]));
  for (const expr of expressions) {
    const op = Object.hasOwn(OPERATORS, expr.operator) ? OPERATORS[expr.operator] : undefined;
    if (!op) throw new SelectorParseError(`${goQuote(expr.operator)} is not a valid label selector operator`);
    requirements.push(newRequirement(expr.key, op, expr.values ?? []));
  }
  return LabelSelector.of(requirements);
}

/** kube's SelectorFromSet: `k=v` for each entry, unvalidated; an empty set selects everything. */
export function labelSelectorFromSet(set: Labels | null | undefined): LabelSelector {
  return LabelSelector.of(Object.entries(set ?? {}).map(([k, v]) => new LabelRequirement(k, '=', [v])));
}
