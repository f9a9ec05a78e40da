import { execFileSync } from 'node:child_process';
import { tempTree } from './tmp.js';

/** Identity and a fixed environment, so commits work on a machine without any git configuration. */
const GIT_ENV = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  LANG: 'C',
  GIT_AUTHOR_NAME: 'Test Person',
  GIT_AUTHOR_EMAIL: 'person@example.test',
  GIT_COMMITTER_NAME: 'Test Person',
  GIT_COMMITTER_EMAIL: 'person@example.test',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** A real git repository in a temporary folder, on branch `main`, with `files` as its first commit. */
export function gitRepo(files: Record<string, string> = {}) {
  const tree = tempTree(files);
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: tree.root, env: GIT_ENV, encoding: 'utf8' }).trim();
  git('init', '--quiet', '--initial-branch=main');
  const commitAll = (message: string) => {
    git('add', '--all');
    git('commit', '--quiet', '--allow-empty', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  const first = commitAll('first');
  return { ...tree, git, commitAll, first };
}
