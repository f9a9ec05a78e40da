/**
 * Repository paths as every Workspace adapter takes them: relative, `/`-separated, no `.` or `..`
 * segments, never inside `.git`. Checked once here so a path from a model or a pull request can never
 * reach outside the repository, whichever adapter it goes to.
 */
export class InvalidRepositoryPath extends Error {}

export function checkRepositoryPath(path: string): string {
  const problem = pathProblem(path);
  if (problem) throw new InvalidRepositoryPath(`invalid repository path '${path}': ${problem}`);
  return path;
}

/** A folder prefix: `` (the whole repository) or a path, with or without its trailing `/`. */
export function checkRepositoryPrefix(prefix: string): string {
  if (prefix === '' || prefix === '/') return '';
  return `${checkRepositoryPath(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix)}/`;
}

function pathProblem(path: string): string | undefined {
  if (path === '') return 'it is empty';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'it must be relative to the repository';
  if (path.includes('\\')) return 'use / as the separator';
  if (path.includes('\0')) return 'it contains a NUL byte';
  const segments = path.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..'))
    return 'empty, . and .. segments are not allowed';
  if (segments[0] === '.git') return 'it is inside .git';
  return undefined;
}
