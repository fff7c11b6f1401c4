/**
 * Service account token keys: the signing key (--service-account-signing-key-file,
 * generated into DATA_DIR/pki/sa.key when not given) and the public keys tokens
 * are verified with (--service-account-key-file, repeatable, plus the signing
 * key's own). Each key's `kid` is kube's: base64url(SHA-256(PKIX DER)).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { writeFileAtomic } from '../../pki/atomic-write.js';

export type JWSAlgorithm = 'RS256' | 'ES256' | 'ES384' | 'ES512';

export interface SigningKey {
  key: KeyObject;
  alg: JWSAlgorithm;
  kid: string;
}

export interface VerifyKey {
  key: KeyObject;
  kid: string;
}

/** A key file that cannot be used: start-up stops with this message. */
export class KeyFileError extends Error {}

const generate = promisify(generateKeyPair);

/** The signing key at `path`, generated there (RSA 2048, mode 0600) if the file does not exist. */
export async function ensureSigningKey(path: string): Promise<{ key: SigningKey; generated: boolean }> {
  try {
    return { key: await loadSigningKey(path), generated: false };
  } catch (err) {
    if ((err as { cause?: NodeJS.ErrnoException }).cause?.code !== 'ENOENT') throw err;
  }
  const { privateKey } = await generate('rsa', { modulusLength: 2048 });
  await writeFileAtomic(path, privateKey.export({ type: 'pkcs1', format: 'pem' }), 0o600);
  return { key: signingKeyOf(privateKey, path), generated: true };
}

export async function loadSigningKey(path: string): Promise<SigningKey> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (err) {
    throw new KeyFileError(`failed to read service account signing key file ${JSON.stringify(path)}: ${(err as Error).message}`, { cause: err });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (err) {
    throw new KeyFileError(`service account signing key file ${JSON.stringify(path)} holds no private key: ${(err as Error).message}`);
  }
  return signingKeyOf(key, path);
}

function signingKeyOf(key: KeyObject, path: string): SigningKey {
  return { key, alg: algorithmOf(key, path), kid: keyID(createPublicKey(key)) };
}

function algorithmOf(key: KeyObject, path: string): JWSAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return 'ES256';
    if (curve === 'secp384r1') return 'ES384';
    if (curve === 'secp521r1') return 'ES512';
  }
  throw new KeyFileError(`${path}: unsupported key type for service account tokens (RSA or ECDSA P-256/384/521 only)`);
}

/** kube's keyIDFromPublicKey. */
export function keyID(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
}

/** Every public key in the files: PEM public keys, certificates, or private keys (their public halves), as kube's keyutil. */
export async function loadVerifyKeys(paths: readonly string[]): Promise<VerifyKey[]> {
  const keys: VerifyKey[] = [];
  for (const path of paths) {
    let content: string;
    try {
      content = await readFile(path, 'utf8');
    } catch (err) {
      throw new KeyFileError(`failed to read service account key file ${JSON.stringify(path)}: ${(err as Error).message}`);
    }
    const blocks = content.match(/-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g) ?? [];
    for (const block of blocks) {
      const type = /-----BEGIN ([A-Z ]+)-----/.exec(block)![1]!;
      try {
        const key = type === 'CERTIFICATE' ? new X509Certificate(block).publicKey : createPublicKey(block);
        keys.push({ key, kid: keyID(key) });
      } catch (err) {
        throw new KeyFileError(`service account key file ${JSON.stringify(path)}: unreadable ${type} block: ${(err as Error).message}`);
      }
    }
    if (blocks.length === 0) throw new KeyFileError(`service account key file ${JSON.stringify(path)} holds no public keys`);
  }
  return keys;
}
