/**
 * The one environment scrubber. Processes the pipeline starts get an environment built from an
 * allow-list, never the pipeline's own: a secret with an unexpected name is still left out. Tools
 * (generated tests, the host agent, rsync) get `scrubbedEnv`; a service — deployed or under UDC
 * verification — gets `serviceEnv`, the narrower list the host agent starts releases with.
 */

/** Variables a child process may inherit; none of them carries a credential. */
const INHERITED = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'USER'] as const;

/** The PATH a deployed service runs with (the host agent starts the launcher with it). */
export const SERVICE_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * What a service inherits from the host that starts it, with the value it gets when the host has none.
 * Nothing else: no locale overrides, time zone, temp dir or user name, so a service behaves the same
 * under UDC verification on the build machine as on the deploy host.
 */
export const SERVICE_INHERITED = { HOME: '/', LANG: 'C.UTF-8' } as const;

/**
 * The environment a service process starts with, before the launcher adds the release's variables
 * (PORT, SERVICE_NAME, SERVICE_VERSION, ASSEMBLY_LINE_RELEASE_ID and the release's `env`).
 */
export function serviceEnv(host: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = { PATH: SERVICE_PATH };
  for (const [name, fallback] of Object.entries(SERVICE_INHERITED)) env[name] = host[name] || fallback;
  return env;
}

/**
 * `serviceEnv` as the words after `env -i` in host-agent.sh, which runs on the deploy host without Node
 * (`${VAR:-default}` is the shell's `host[VAR] || default`). A test holds the script to these words.
 */
export function serviceEnvShellWords(): string {
  return [
    `PATH="${SERVICE_PATH}"`,
    ...Object.entries(SERVICE_INHERITED).map(([name, fallback]) => `${name}="\${${name}:-${fallback}}"`),
  ].join(' ');
}

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
