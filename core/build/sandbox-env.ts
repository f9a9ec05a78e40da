import { scrubbedEnv } from '../process-env.js';

/**
 * The environment generated code runs in. Generated tests are untrusted code: they must not see the
 * pipeline's API keys, tokens or SSH agent, so it starts from the one scrubbed environment.
 */

/** Names that suggest a credential; such a variable is dropped even when a prefix rule lets it in. */
const SECRET_NAME = /TOKEN|SECRET|KEY|PASSWORD|PASSWD|CREDENTIAL|AUTH|COOKIE|SESSION/i;
/** A URL with a user or password in it (`https://user:token@host/`). */
const URL_WITH_CREDENTIALS = /[a-z][a-z0-9+.-]*:\/\/[^/\s@]+@/i;

export interface SandboxEnvOptions {
  /** Added after scrubbing (e.g. COVERAGE_FILE); must not carry secrets. */
  extra?: Record<string, string>;
  /**
   * Also pass pip's own settings (PIP_*, proxies) for the install step — without credentials — so a
   * configured mirror or proxy keeps working.
   */
  pipSettings?: boolean;
  /** Prepended to PATH, e.g. the venv's bin folder. */
  pathPrefix?: string;
}

export function sandboxEnv(
  base: Record<string, string | undefined>,
  options: SandboxEnvOptions = {},
): Record<string, string> {
  const env = scrubbedEnv(base, options.pathPrefix ? { pathPrefix: options.pathPrefix } : {});
  if (options.pipSettings) {
    for (const [name, value] of Object.entries(base)) {
      if (value === undefined) continue;
      const isPipSetting = name.startsWith('PIP_') || /^(HTTPS?|NO|ALL)_PROXY$/i.test(name);
      if (isPipSetting && !SECRET_NAME.test(name) && !URL_WITH_CREDENTIALS.test(value)) env[name] = value;
    }
  }
  // No stray __pycache__ or colour codes in the generated tree and the parsed output.
  env.PYTHONDONTWRITEBYTECODE = '1';
  env.PYTHONUNBUFFERED = '1';
  env.PY_COLORS = '0';
  env.NO_COLOR = '1';
  return { ...env, ...options.extra };
}
