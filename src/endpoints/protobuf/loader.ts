import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/**
 * Loads the Kubernetes wire schema (proto/ at the repository root) once, on first use.
 * Every .proto file there is loaded; imports name files relative to proto/, as kube's do.
 */

// Found by walking up: this file runs both from src/ (tsx) and from dist/src/ (tsc).
export function protoDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'proto');
}

const protoFiles = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return protoFiles(path);
      return name.endsWith('.proto') ? [path] : [];
    });

let root: protobuf.Root | undefined;

export function protoRoot(): protobuf.Root {
  if (root) return root;
  const base = protoDir();
  const files = protoFiles(base);
  if (files.length === 0) throw new Error(`no .proto files under ${base}`);
  const r = new protobuf.Root();
  // Imports are written relative to proto/ (e.g. "k8s.io/apimachinery/pkg/runtime/types.proto").
  r.resolvePath = (origin, target) => (target.startsWith('/') ? target : join(base, target));
  // keepCase: kube's field names are its JSON names (clusterIP, hostIPC, Raw); no renaming.
  r.loadSync(
    files.map((f) => relative(base, f).split(sep).join('/')),
    { keepCase: true },
  );
  r.resolveAll();
  root = r;
  return r;
}

const types = new Map<string, protobuf.Type>();

/** A message type by its full name (e.g. "k8s.io.api.core.v1.ConfigMap"). */
export function messageType(fullName: string): protobuf.Type {
  let type = types.get(fullName);
  if (!type) {
    type = protoRoot().lookupType(fullName);
    types.set(fullName, type);
  }
  return type;
}
