import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** kube's version.Info. gitVersion names the Kubernetes API we implement; our own version is build metadata. */
export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/** The Kubernetes release whose API frontdoor serves; kubectl picks its behaviour (and here its binary) from it. */
export const KUBERNETES_VERSION = { major: 1, minor: 32, patch: 0 };

// Found by walking up: this file runs both from src/ (tsx) and from dist/src/ (tsc).
const packageVersion = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  const pkg: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : '0.0.0';
};

export function versionInfo(): VersionInfo {
  const { major, minor, patch } = KUBERNETES_VERSION;
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  return {
    major: String(major),
    minor: String(minor),
    gitVersion: `v${major}.${minor}.${patch}+frontdoor.${packageVersion()}`,
    gitCommit: process.env.FRONTDOOR_GIT_COMMIT ?? '',
    gitTreeState: process.env.FRONTDOOR_GIT_COMMIT ? 'clean' : '',
    buildDate: '',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${arch}`,
  };
}
