/**
 * The Warning header values kube's warning recorder writes for a request's
 * warnings (k8s.io/apiserver endpoints/filters/warning.go with
 * util/net.NewWarningHeader): `299 - "text"`, `"` and `\` escaped, one value
 * per distinct text, texts with control characters dropped; past 4096 runes in
 * all, every text is cut to 256 runes.
 */
const TRUNCATE_AT_TOTAL_RUNES = 4 * 1024;
const TRUNCATE_ITEM_RUNES = 256;
// Go's unicode.IsControl: C0, DEL and C1.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const header = (text: string): string => `299 - "${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
const runes = (s: string): string[] => [...s];

export function warningHeaderValues(texts: readonly string[]): string[] {
  const distinct: string[] = [];
  const seen = new Set<string>();
  for (const text of texts) {
    if (text === '' || seen.has(text)) continue;
    seen.add(text);
    if (!CONTROL.test(text)) distinct.push(text);
  }
  let full = 0;
  const trigger = distinct.findIndex((t) => (full += runes(t).length) > TRUNCATE_AT_TOTAL_RUNES);
  if (trigger < 0) return distinct.map(header);
  // The one that crosses the limit makes kube replay all so far truncated; later ones follow while under the limit.
  const out: string[] = [];
  let written = 0;
  for (const [i, text] of distinct.entries()) {
    if (i > trigger && written >= TRUNCATE_AT_TOTAL_RUNES) break;
    const cut = runes(text).slice(0, TRUNCATE_ITEM_RUNES);
    written += cut.length;
    out.push(header(cut.join('')));
  }
  return out;
}
