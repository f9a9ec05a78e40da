/**
 * The one environment scrubber. Processes the pipeline starts — generated tests, the host agent,
 * services under UDC verification — get an environment built from an allow-list, never the
 * pipeline's own: a secret with an unexpected name is still left out.
 */

/** Variables a child process may inherit; none of them carries a credential. */
const INHERITED = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'USER'] as const;

/** The PATH a deployed service runs with (the host agent starts the launcher with it). */
export const SERVICE_PATH = '/usr/local/bin:/usr/bin:/bin';

export interface ScrubOptions {
  /** Replaces PATH (e.g. the fixed one of deployed services). */
  path?: string;
  /** Put in front of PATH, e.g. a venv's bin folder. */
  pathPrefix?: string;
  /** HOME when the base has none. */
  home?: string;
}

export function scrubbedEnv(
  base: Record<string, string | undefined>,
  options: ScrubOptions = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = base[name];
    if (value !== undefined) env[name] = value;
  }
  env.PATH = [options.pathPrefix, options.path ?? env.PATH ?? SERVICE_PATH].filter(Boolean).join(':');
  if (env.HOME === undefined && options.home !== undefined) env.HOME = options.home;
  env.LANG ??= 'C.UTF-8';
  return env;
}
