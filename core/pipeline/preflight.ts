import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { packageRoot } from '../package-root.js';

/** Python modules the build line imports, and the Debian package that brings each. */
const PYTHON_MODULES: Record<string, string> = {
  fastapi: 'python3-fastapi',
  uvicorn: 'python3-uvicorn',
  pydantic: 'python3-pydantic',
  httpx: 'python3-httpx',
  pytest: 'python3-pytest',
  pytest_cov: 'python3-pytest-cov',
  pyflakes: 'pyflakes3',
};

export interface PreflightNeeds {
  /** The interpreter builds and deploys use. */
  python: string;
  build?: boolean;
  /** The local and ssh targets copy releases with rsync. */
  deploy?: boolean;
  ssh?: boolean;
}

function onPath(command: string, env: Record<string, string | undefined>): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The Debian packages this machine lacks for the given work, in install order; empty when ready. */
export async function missingSystemPackages(
  needs: PreflightNeeds,
  env: Record<string, string | undefined> = process.env,
): Promise<string[]> {
  const missing: string[] = [];
  try {
    accessSync(needs.python, constants.X_OK);
  } catch {
    return ['python3', 'python3-venv', ...(needs.build ? Object.values(PYTHON_MODULES) : [])];
  }
  if (needs.build || needs.deploy) {
    const modules = needs.build ? Object.keys(PYTHON_MODULES) : ['fastapi', 'uvicorn'];
    const probe = await execa(
      needs.python,
      [
        '-c',
        'import importlib.util, sys\nprint(" ".join(m for m in sys.argv[1:] if importlib.util.find_spec(m) is None))',
        ...modules,
      ],
      { reject: false, timeout: 30_000 },
    );
    for (const module of String(probe.stdout).split(/\s+/).filter(Boolean))
      missing.push(PYTHON_MODULES[module]!);
  }
  if (needs.deploy && !onPath('rsync', env)) missing.push('rsync');
  if (needs.ssh && !onPath('ssh', env)) missing.push('openssh-client');
  return missing;
}

export function missingPackagesMessage(missing: string[]): string {
  return (
    `this machine lacks the Debian packages ${missing.join(', ')}; install them with\n` +
    `  sudo bash scripts/install-system-packages.sh\n` +
    `or: sudo apt-get install -y ${missing.join(' ')}`
  );
}

/** `scripts/install-system-packages.sh` of this product. */
export function installScriptPath(): string {
  return join(packageRoot(import.meta.url), 'scripts', 'install-system-packages.sh');
}

export interface InstallOptions {
  /** Where the installer's lines go (the CLI: stderr). */
  write: (text: string) => void;
  /** Injected by tests; the real one is installScriptPath(). */
  script?: string;
}

/**
 * The packages `needs` still lacks after installing the missing ones, when this machine lets us:
 * the install script uses apt-get as root or with passwordless sudo and refuses otherwise, naming the
 * command to run. So on a fresh Debian or Ubuntu machine the first command of the Quick start is the
 * only one a person types. ASSEMBLY_LINE_INSTALL_PACKAGES=0 turns the install off.
 */
export async function ensureSystemPackages(
  needs: PreflightNeeds,
  env: Record<string, string | undefined>,
  options: InstallOptions,
): Promise<string[]> {
  const missing = await missingSystemPackages(needs, env);
  if (missing.length === 0 || env.ASSEMBLY_LINE_INSTALL_PACKAGES === '0') return missing;
  options.write(`installing the Debian packages this machine lacks: ${missing.join(' ')}\n`);
  const install = await execa('bash', [options.script ?? installScriptPath(), ...missing], {
    env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>,
    extendEnv: false,
    reject: false,
    all: true,
  });
  const output = String(install.all ?? '').trim();
  if (output) options.write(`${output}\n`);
  if (install.exitCode !== 0) return missing;
  return missingSystemPackages(needs, env);
}
