/**
 * Go's base64.StdEncoding.Decode as encoding/json applies it to []byte fields
 * (Secret.data, ConfigMap.binaryData): strict padding, CR and LF ignored, and
 * the error names the byte offset Go names, so kube's 400 reads the same.
 */

const ALPHABET = /[A-Za-z0-9+/]/;

export type Base64Result = { ok: true; byteLength: number } | { ok: false; error: string };

const corrupt = (offset: number): Base64Result => ({ ok: false, error: `illegal base64 data at input byte ${offset}` });

const isNewline = (c: string): boolean => c === '\n' || c === '\r';

/** Checks `src` the way Go decodes it and counts the decoded bytes. */
export function decodeBase64Length(src: string): Base64Result {
  let bytes = 0;
  let si = 0;
  while (si < src.length) {
    let j = 0;
    for (; j < 4; j++) {
      while (si < src.length && isNewline(src[si])) si++;
      if (si === src.length) {
        if (j === 0) return { ok: true, byteLength: bytes };
        return corrupt(si - j);
      }
      const c = src[si++];
      if (c === '=') return padding(src, si, j, bytes);
      if (!ALPHABET.test(c)) return corrupt(si - 1);
    }
    bytes += 3;
  }
  return { ok: true, byteLength: bytes };
}

/** After a '=' at quantum position j (si is just past it): the rest must be padding, then nothing. */
function padding(src: string, si: number, j: number, bytes: number): Base64Result {
  if (j === 0 || j === 1) return corrupt(si - 1);
  if (j === 2) {
    while (si < src.length && isNewline(src[si])) si++;
    if (si === src.length) return corrupt(src.length);
    if (src[si] !== '=') return corrupt(si - 1);
    si++;
  }
  while (si < src.length && isNewline(src[si])) si++;
  if (si < src.length) return corrupt(si);
  return { ok: true, byteLength: bytes + j - 1 };
}
