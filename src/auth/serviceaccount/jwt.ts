/** Compact JWS (RFC 7515) for service account tokens: sign with one key, verify against a set. */
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { JWSAlgorithm, SigningKey, VerifyKey } from './keys.js';
import { isJSONObject as isRecord } from '../../apimachinery/json.js';

export interface ParsedJWT {
  header: { alg?: string; kid?: string; typ?: string };
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

const HASH: Record<JWSAlgorithm, string> = { RS256: 'sha256', ES256: 'sha256', ES384: 'sha384', ES512: 'sha512' };

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

export function signJWT(payload: Record<string, unknown>, key: SigningKey): string {
  const input = `${b64({ alg: key.alg, kid: key.kid })}.${b64(payload)}`;
  const signature = sign(HASH[key.alg], Buffer.from(input), { key: key.key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/** The token's parts, or null when it is not a compact JWS with JSON header and payload. */
export function parseJWT(token: string): ParsedJWT | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as unknown;
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    if (!isRecord(header) || !isRecord(payload)) return null;
    return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2]!, 'base64url') };
  } catch {
    return null;
  }
}

/** True when one of the keys (those with the token's kid first) verifies the signature under the token's alg. */
export function verifyJWTSignature(jwt: ParsedJWT, keys: readonly VerifyKey[]): boolean {
  const alg = jwt.header.alg as JWSAlgorithm | undefined;
  if (!alg || !(alg in HASH)) return false;
  const ordered = [...keys].sort((a, b) => Number(b.kid === jwt.header.kid) - Number(a.kid === jwt.header.kid));
  return ordered.some((k) => fits(k.key, alg) && verify(HASH[alg], Buffer.from(jwt.signingInput), { key: k.key, dsaEncoding: 'ieee-p1363' }, jwt.signature));
}

/** A key verifies only the algorithm family it belongs to (no RS256 token checked with an EC key, nor the reverse). */
function fits(key: KeyObject, alg: JWSAlgorithm): boolean {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return alg === 'RS256' ? pub.asymmetricKeyType === 'rsa' : pub.asymmetricKeyType === 'ec';
}

