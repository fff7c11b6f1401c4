/**
 * The embedded server's PKI, generated once per process and copied into each
 * server's certificate directory. Generating it (four CAs' and leaves' RSA keys
 * and the service account key) costs hundreds of milliseconds even with
 * node:crypto; copying a dozen small files costs about one. Servers of one
 * process then share a CA, which is harmless for test servers on loopback and
 * lets a client built for one trust another.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureSigningKey } from '../auth/serviceaccount/keys.js';
import { ensurePKI } from '../pki/bootstrap.js';

interface CachedFile {
  name: string;
  data: Buffer;
  mode: number;
}

/** Keyed by the extra serving names (--tls-sans), the only input that changes what is generated. */
const cache = new Map<string, Promise<CachedFile[]>>();

/**
 * Fills certDir (which must be new or empty) with this process's PKI for
 * these hosts: generated into certDir the first time, copied afterwards.
 * runServer's own ensurePKI then finds every file good and writes nothing.
 */
export async function seedPKI(certDir: string, hosts: string[]): Promise<void> {
  const key = [...hosts].sort().join(',');
  const cached = cache.get(key);
  if (!cached) {
    const generated = generate(certDir, hosts);
    cache.set(key, generated);
    // A failed generation is not remembered: the next start tries again (and reports its own error).
    generated.catch(() => cache.delete(key));
    await generated;
    return;
  }
  const files = await cached;
  await mkdir(certDir, { recursive: true, mode: 0o700 });
  await Promise.all(files.map((f) => writeFile(join(certDir, f.name), f.data, { mode: f.mode })));
}

async function generate(certDir: string, hosts: string[]): Promise<CachedFile[]> {
  await ensurePKI({ certDir, hosts });
  await ensureSigningKey(join(certDir, 'sa.key'));
  const names = await readdir(certDir);
  return Promise.all(
    names.map(async (name) => {
      const path = join(certDir, name);
      return { name, data: await readFile(path), mode: (await stat(path)).mode & 0o777 };
    }),
  );
}
