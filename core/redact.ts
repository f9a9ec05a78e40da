/**
 * The one secret redactor. Texts shown to people or written to shared files (the ledger, CLI errors,
 * the Action's log, a PR body) come from tools, SDKs and remote servers, so two kinds of secret are
 * masked: anything shaped like a credential, and the secrets this run knows it holds (an API key, an
 * SSH key, a token) wherever they appear.
 */
const SECRET_PATTERNS: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[redacted]'],
  [/\bsk-ant-[A-Za-z0-9_-]{8,}/g, '[redacted]'],
  [/\bsk-[A-Za-z0-9_-]{20,}/g, '[redacted]'],
  [/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g, '[redacted]'],
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, '[redacted]'],
  [/\b(Bearer|token)\s+[A-Za-z0-9._~+/-]{16,}=*/gi, '$1 [redacted]'],
  [/\b([A-Z0-9_]*(?:API_KEY|TOKEN|SECRET|PASSWORD)[A-Z0-9_]*)=("[^"]*"|'[^']*'|\S+)/g, '$1=[redacted]'],
];

/** Shorter pieces would mask ordinary words; a whole secret of 4+ characters is still worth masking. */
const MIN_SECRET_LENGTH = 4;
const MIN_SECRET_LINE_LENGTH = 8;

/**
 * Masks credential-shaped text and each `known` secret: whole, and line by line for multi-line keys,
 * since tools echo a key's lines one at a time.
 */
export function redactSecrets(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  for (const secret of known) {
    const whole = secret.trim();
    const pieces = [
      ...(whole.length >= MIN_SECRET_LENGTH ? [whole] : []),
      ...secret
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line.length >= MIN_SECRET_LINE_LENGTH),
    ];
    for (const piece of pieces) out = out.split(piece).join('[redacted]');
  }
  return out;
}

/** Removes `user:password@` from anything URL-like: a registry or etcd URL may carry credentials. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)\S*@/gi, '$1');
}
