import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { ensureSystemPackages, installScriptPath } from '../core/pipeline/preflight.js';
import { tempTree } from './helpers/tmp.js';

/**
 * apt-get cannot run in a test, so the install script runs against stand-ins for dpkg-query, apt-get,
 * id and sudo that record what they were asked; everything else (bash, grep) is the real thing.
 */
const trees: Array<ReturnType<typeof tempTree>> = [];
afterEach(() => {
  for (const tree of trees.splice(0)) tree.cleanup();
});

function machine(options: { uid: number; sudo?: boolean; installed?: string[]; apt?: boolean }) {
  const tree = tempTree({ 'installed.txt': (options.installed ?? []).map((p) => `${p}\n`).join('') });
  trees.push(tree);
  const log = tree.path('calls.log');
  const stub = (name: string, body: string) =>
    chmodSync(tree.write(`bin/${name}`, `#!/bin/bash\n${body}\n`), 0o755);
  stub(
    'dpkg-query',
    `grep -qxF -- "$3" ${tree.path('installed.txt')} && printf 'install ok installed'; exit 0`,
  );
  stub('id', `echo ${options.uid}`);
  if (options.apt !== false)
    stub(
      'apt-get',
      `echo "apt-get $*" >> ${log}
if [ "$1" = install ]; then for a in "$@"; do case "$a" in -*|install) ;; *) echo "$a" >> ${tree.path('installed.txt')};; esac; done; fi`,
    );
  if (options.sudo !== undefined)
    stub(
      'sudo',
      `if [ "$1" = -n ]; then ${options.sudo ? 'exit 0' : 'exit 1'}; fi; echo "sudo:" >> ${log}; exec "$@"`,
    );
  // Only the tools the script needs besides the stand-ins: the real apt-get can never be reached.
  for (const tool of ['grep', 'dirname']) {
    const real = execFileSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    symlinkSync(real, tree.path(`bin/${tool}`));
  }
  const run = (...packages: string[]) => {
    try {
      const stdout = execFileSync('/bin/bash', [installScriptPath(), ...packages], {
        env: { PATH: tree.path('bin') },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return { code: 0, stdout, stderr: '' };
    } catch (error) {
      const e = error as { status: number; stdout: string; stderr: string };
      return { code: e.status, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
  return { run, calls };
}

const ALL = readFileSync(join(installScriptPath(), '..', 'system-packages.txt'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() && !line.startsWith('#'));

describe('scripts/install-system-packages.sh', () => {
  it('does nothing when every package is present', () => {
    const m = machine({ uid: 0, installed: ALL });
    expect(m.run()).toMatchObject({ code: 0, stdout: `system packages: all ${ALL.length} present\n` });
    expect(m.calls()).toEqual([]);
  });

  it('installs exactly the missing ones as root, and only those named when given', () => {
    const m = machine({ uid: 0, installed: ALL.filter((p) => p !== 'rsync' && p !== 'pyflakes3') });
    const result = m.run();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('system packages: installed pyflakes3 rsync');
    expect(m.calls()).toEqual([
      'apt-get update -qq',
      'apt-get install -y -qq --no-install-recommends pyflakes3 rsync',
    ]);

    const named = machine({ uid: 0, installed: [] });
    expect(named.run('rsync').code).toBe(0);
    expect(named.calls()).toEqual([
      'apt-get update -qq',
      'apt-get install -y -qq --no-install-recommends rsync',
    ]);
  });

  it('uses passwordless sudo when not root, and names the command when it cannot', () => {
    const withSudo = machine({ uid: 1000, sudo: true });
    expect(withSudo.run('rsync').code).toBe(0);
    expect(withSudo.calls()).toEqual([
      'sudo:',
      'apt-get update -qq',
      'sudo:',
      'apt-get install -y -qq --no-install-recommends rsync',
    ]);

    const noSudo = machine({ uid: 1000, sudo: false });
    expect(noSudo.run('rsync', 'pyflakes3')).toMatchObject({
      code: 1,
      stderr: 'run as root: apt-get update && apt-get install -y rsync pyflakes3\n',
    });
    expect(noSudo.calls()).toEqual([]);
  });

  it('refuses packages that are not on its list, and machines without apt-get', () => {
    const m = machine({ uid: 0 });
    expect(m.run('rsync', 'evil;rm')).toMatchObject({
      code: 2,
      stderr: 'not a package of scripts/system-packages.txt: evil;rm\n',
    });
    expect(m.calls()).toEqual([]);
    expect(machine({ uid: 0, apt: false }).run('rsync')).toMatchObject({
      code: 1,
      stderr: 'no apt-get on this machine: install the equivalents of: rsync\n',
    });
  });
});

describe('ensureSystemPackages: run and build install what the machine lacks', () => {
  function setup(scriptBody: string) {
    const tree = tempTree();
    trees.push(tree);
    const marker = tree.path('installed');
    // An interpreter that lacks fastapi until the installer has run.
    const python = tree.write('bin/python3', `#!/bin/sh\n[ -f ${marker} ] || echo fastapi\n`);
    chmodSync(python, 0o755);
    const script = tree.write('install.sh', scriptBody.replaceAll('MARKER', marker));
    const lines: string[] = [];
    const ensure = (env: Record<string, string> = {}) =>
      ensureSystemPackages(
        { python, build: true },
        { PATH: process.env.PATH!, ...env },
        {
          write: (text) => lines.push(text),
          script,
        },
      );
    return { ensure, lines, marker };
  }

  it('installs the missing packages, then checks again', async () => {
    const s = setup('echo "installing $*"; touch MARKER');
    expect(await s.ensure()).toEqual([]);
    expect(s.lines).toEqual([
      'installing the Debian packages this machine lacks: python3-fastapi\n',
      'installing python3-fastapi\n',
    ]);
  });

  it('reports what is still missing when the installer cannot install', async () => {
    const s = setup('echo "run as root: apt-get install -y $*" >&2; exit 1');
    expect(await s.ensure()).toEqual(['python3-fastapi']);
    expect(s.lines[1]).toBe('run as root: apt-get install -y python3-fastapi\n');
  });

  it('never installs with ASSEMBLY_LINE_INSTALL_PACKAGES=0', async () => {
    const s = setup('touch MARKER');
    expect(await s.ensure({ ASSEMBLY_LINE_INSTALL_PACKAGES: '0' })).toEqual(['python3-fastapi']);
    expect(s.lines).toEqual([]);
    expect(existsSync(s.marker)).toBe(false);
  });
});
