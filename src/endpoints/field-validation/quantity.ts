/**
 * Why resource.ParseQuantity refuses a string, in its words, or undefined when
 * it parses. Quantity.UnmarshalJSON returns these as they are, so they reach
 * the client inside kube's 400.
 */
const SPLIT_RE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
export const ERR_FORMAT_WRONG = `quantities must match the regular expression '${SPLIT_RE}'`;
export const ERR_NUMERIC = 'unable to parse numeric part of quantity';
export const ERR_SUFFIX = "unable to parse quantity's suffix";

const SUFFIX_CHARS = 'eEinumkKMGTP';
const KNOWN_SUFFIXES = new Set(['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E']);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** The numeric part and suffix, scanned as kube's parseQuantityString does. */
function split(str: string): { value: string; suffix: string } | undefined {
  let pos = 0;
  const end = str.length;
  if (str[0] === '-' || str[0] === '+') pos++;
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { value: str, suffix: '' };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { value: str, suffix: '' };
  pos = i;
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    if (i >= end) return { value: str, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  i = pos;
  while (i < end && SUFFIX_CHARS.includes(str[i]!)) i++;
  if (i >= end) return { value, suffix: str.slice(suffixStart) };
  pos = i;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { value, suffix: str.slice(suffixStart) };
  return undefined;
}

/** A decimal exponent suffix ("e3", "E-2"), as kube's suffixer reads it. */
const isExponent = (suffix: string): boolean => suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1));

export function quantityError(raw: string): string | undefined {
  const str = raw.trim();
  if (str === '') return ERR_FORMAT_WRONG;
  if (str === '0') return undefined;
  const parts = split(str);
  if (!parts) return ERR_FORMAT_WRONG;
  if (!KNOWN_SUFFIXES.has(parts.suffix) && !isExponent(parts.suffix)) return ERR_SUFFIX;
  // The numeric part must be a decimal: "." or "+." is not one.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(parts.value)) return ERR_NUMERIC;
  return undefined;
}
