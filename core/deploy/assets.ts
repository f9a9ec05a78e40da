import { existsSync, readFileSync } from 'node:fs';
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

/** Where the asset is on this machine (UDC verification runs the launcher from there). */
export function deployAssetPath(name: DeployAsset): string {
  const tried = candidates().map((dir) => join(dir, name));
  const found = tried.find((path) => existsSync(path));
  if (!found) throw new Error(`deploy asset ${name} is missing; looked in ${tried.join(', ')}`);
  return found;
}

const cache = new Map<DeployAsset, string>();

export function readDeployAsset(name: DeployAsset): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(deployAssetPath(name), 'utf8');
    cache.set(name, text);
  }
  return text;
}
