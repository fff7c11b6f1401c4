/**
 * Go's %#v of the struct values kube's apps validation puts in its messages
 * (field.ErrorBody falls back to %#v for anything that is not a string,
 * number, bool or Stringer). Printing them as Go does keeps our messages
 * byte-identical to kube's for the cases clients and tests see.
 */
import { StringerValue } from '../../../apimachinery/validation/field-error.js';
import { compareGoStrings, goQuote } from '../../../apimachinery/validation/go-format.js';
import type { LabelSelectorSpec } from '../../../apimachinery/labels.js';
import type { IntOrString } from './types.js';

const goStringSliceOrNil = (values: readonly string[] | null | undefined): string =>
  Array.isArray(values) ? `[]string{${values.map(goQuote).join(', ')}}` : '[]string(nil)';

function stringMapText(m: Readonly<Record<string, string>> | null | undefined): string {
  if (!m || typeof m !== 'object') return 'map[string]string(nil)';
  // fmt prints map entries sorted by key.
  const entries = Object.keys(m)
    .sort(compareGoStrings)
    .map((k) => `${goQuote(k)}:${goQuote(String(m[k]))}`);
  return `map[string]string{${entries.join(', ')}}`;
}

/** `map[string]string{"app":"web"}`, or `map[string]string(nil)`. */
export const goStringMap = (m: Readonly<Record<string, string>> | null | undefined): StringerValue =>
  new StringerValue(stringMapText(m));

/** `&v1.LabelSelector{MatchLabels:..., MatchExpressions:...}` (a *metav1.LabelSelector). */
export function goLabelSelector(ls: LabelSelectorSpec | null | undefined, pointer = true): StringerValue {
  if (!ls) return new StringerValue('(*v1.LabelSelector)(nil)');
  const exprs = Array.isArray(ls.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${ls.matchExpressions
        .map((r) => `v1.LabelSelectorRequirement{Key:${goQuote(String(r.key ?? ''))}, Operator:${goQuote(String(r.operator ?? ''))}, Values:${goStringSliceOrNil(r.values)}}`)
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  const text = `v1.LabelSelector{MatchLabels:${stringMapText(ls.matchLabels)}, MatchExpressions:${exprs}}`;
  return new StringerValue(pointer ? `&${text}` : text);
}

/** `intstr.IntOrString{Type:1, IntVal:0, StrVal:"25%"}`; a missing value is the zero (int 0). */
export function goIntOrString(v: IntOrString | null | undefined): StringerValue {
  if (typeof v === 'string') return new StringerValue(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`);
  const n = typeof v === 'number' ? v : 0;
  return new StringerValue(`intstr.IntOrString{Type:0, IntVal:${n}, StrVal:""}`);
}
