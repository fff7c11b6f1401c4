/**
 * What the workload kinds (Deployment, ReplicaSet, StatefulSet, DaemonSet,
 * and batch's Job and CronJob) share: kube's IntOrString-percent checks,
 * selector equality and formatting, status counters, and the printers'
 * container cells.
 */
import * as field from '../../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../../apimachinery/validation/path.js';
import { validateNonnegativeField } from '../../../apimachinery/validation/metadata-fields.js';
import { regexError } from '../../../apimachinery/validation/names.js';
import { labelSelectorAsSelector, type LabelSelectorSpec } from '../../../apimachinery/labels.js';
import type { TableColumn } from '../../../registry/strategy.js';
import type { KubeObject } from '../../../registry/object.js';
import { goIntOrString } from './go-values.js';
import { isRecord, listOf, type Container, type IntOrString, type PodTemplateSpec } from './types.js';

export const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
export const count = (v: unknown): number => (typeof v === 'number' ? v : 0);
export const isSet = (v: unknown): boolean => v !== undefined && v !== null;

const PERCENT_FMT = '[0-9]+%';

/** kube's IsValidPercent. */
export const isValidPercent = (s: string): string[] =>
  /^[0-9]+%$/.test(s) ? [] : [regexError("a valid percent string must be a numeric string followed by an ending '%'", PERCENT_FMT, '1%', '93%')];

/** kube's getIntOrPercentValue: a valid percent's number, else the int (a non-numeric string counts as 0). */
export function intOrPercentValue(v: IntOrString | null | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return 0;
  if (isValidPercent(v).length === 0) return Number.parseInt(v.slice(0, -1), 10);
  return /^[+-]?\d+$/.test(v) ? Number.parseInt(v, 10) : 0;
}

/** kube's ValidatePositiveIntOrPercent. */
export function validatePositiveIntOrPercent(v: IntOrString | null | undefined, path: FieldPath): field.FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => field.invalid(path, goIntOrString(v), m));
  return validateNonnegativeField(typeof v === 'number' ? v : 0, path);
}

/** kube's IsNotMoreThan100Percent. */
export function isNotMoreThan100Percent(v: IntOrString | null | undefined, path: FieldPath): field.FieldError[] {
  if (typeof v !== 'string' || isValidPercent(v).length > 0) return [];
  return intOrPercentValue(v) > 100 ? [field.invalid(path, goIntOrString(v), 'must not be greater than 100%')] : [];
}

/** kube's IntOrString.String(): "1" or "50%". */
export const intOrStringText = (v: IntOrString): string => String(v);

/** Semantic equality of selectors: a missing list or map equals an empty one, as in kube's Semantic.DeepEqual. */
export function sameSelector(a: LabelSelectorSpec | null | undefined, b: LabelSelectorSpec | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  const labelsA = a.matchLabels ?? {};
  const labelsB = b.matchLabels ?? {};
  const keysA = Object.keys(labelsA);
  if (keysA.length !== Object.keys(labelsB).length || keysA.some((k) => labelsB[k] !== labelsA[k])) return false;
  const exprA = a.matchExpressions ?? [];
  const exprB = b.matchExpressions ?? [];
  if (exprA.length !== exprB.length) return false;
  return exprA.every((x, i) => {
    const y = exprB[i];
    const vx = x.values ?? [];
    const vy = y.values ?? [];
    return x.key === y.key && x.operator === y.operator && vx.length === vy.length && vx.every((v, j) => v === vy[j]);
  });
}

export const selectorOf = (v: unknown): LabelSelectorSpec | undefined => (isRecord(v) ? (v as LabelSelectorSpec) : undefined);

/** metav1.FormatLabelSelector: "<none>" for an empty selector, "<error>" for an invalid one. */
export function formatLabelSelector(ls: LabelSelectorSpec | null | undefined): string {
  try {
    const text = labelSelectorAsSelector(ls).toString();
    return text === '' ? '<none>' : text;
  } catch {
    return '<error>';
  }
}

/** Nonnegative checks for each named status counter, in order, at `path.<name>`. */
export function nonnegativeCounters(status: Record<string, unknown>, names: readonly string[], path: FieldPath): field.FieldError[] {
  return names.flatMap((n) => validateNonnegativeField(count(status[n]), path.child(n)));
}

/** kube's IsDecremented check for status.collisionCount. */
export function collisionCountDecremented(status: Record<string, unknown>, old: Record<string, unknown>, path: FieldPath): field.FieldError[] {
  const oldCount = num(old.collisionCount);
  const next = num(status.collisionCount);
  if (oldCount !== undefined && (next === undefined || next < oldCount)) {
    return [field.invalid(path.child('collisionCount'), next ?? 0, 'cannot be decremented')];
  }
  return [];
}

/** The containers of a pod template, tolerating wrong shapes. */
export const templateContainers = (template: unknown): Container[] =>
  listOf<Container>(isRecord(template) && isRecord(template.spec) ? template.spec.containers : undefined).filter(isRecord);

const CONTAINERS_DESCRIPTION = 'Names of each container in the template.';
const IMAGES_DESCRIPTION = 'Images referenced by each container in the template.';

/** The printers' wide Containers and Images columns over the template `templateOf` finds. */
export function containerColumns<T extends KubeObject>(templateOf: (obj: T) => PodTemplateSpec | undefined): TableColumn<T>[] {
  return [
    {
      name: 'Containers',
      type: 'string',
      description: CONTAINERS_DESCRIPTION,
      priority: 1,
      cell: (obj) => templateContainers(templateOf(obj)).map((c) => String(c.name ?? '')).join(','),
    },
    {
      name: 'Images',
      type: 'string',
      description: IMAGES_DESCRIPTION,
      priority: 1,
      cell: (obj) => templateContainers(templateOf(obj)).map((c) => String(c.image ?? '')).join(','),
    },
  ];
}

/** Keeps the stored spec (and, when `labels`, the stored labels) on a `/status` write. */
export function keepSpec<T extends KubeObject & { spec?: unknown }>(obj: T, old: T, labels = false): void {
  obj.spec = structuredClone(old.spec);
  if (!labels) return;
  const meta = (obj.metadata ??= {});
  const oldLabels = old.metadata?.labels;
  if (oldLabels === undefined) delete meta.labels;
  else meta.labels = structuredClone(oldLabels);
}
