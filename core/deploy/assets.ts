import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../package-root.js';

/** Files this module ships to deploy hosts; they live beside it in core/deploy/. */
export type DeployAsset = 'host-agent.sh' | 'launcher.py';

/**
 * In core/deploy/ of the package, whether this module runs from its source, from out/core/ or from the
 * CLI bundle out/cli/; or beside the module, as in the Action's bundle (dist/).
 */
function candidates(): string[] {
  return [join(packageRoot(import.meta.url), 'core', 'deploy'), dirname(fileURLToPath(import.meta.url))];
}

const cache = new Map<DeployAsset, string>();

export function readDeployAsset(name: DeployAsset): string {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const tried: string[] = [];
  for (const dir of candidates()) {
    const path = join(dir, name);
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
