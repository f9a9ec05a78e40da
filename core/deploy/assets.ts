import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Files this module ships to deploy hosts; they live beside it in core/deploy/. */
export type DeployAsset = 'host-agent.sh' | 'launcher.py';

// Beside the source when run from TypeScript; from out/core/deploy/ the sources are three levels up.
const CANDIDATES = ['./', '../../../core/deploy/'];

const cache = new Map<DeployAsset, string>();

export function readDeployAsset(name: DeployAsset): string {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const tried: string[] = [];
  for (const prefix of CANDIDATES) {
    const path = fileURLToPath(new URL(`${prefix}${name}`, import.meta.url));
    tried.push(path);
    try {
      const text = readFileSync(path, 'utf8');
      cache.set(name, text);
      return text;
    } catch {
      // try the next place
    }
  }
  throw new Error(`deploy asset ${name} is missing; looked in ${tried.join(', ')}`);
}
