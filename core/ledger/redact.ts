/**
 * Error texts and phase details come from tools and SDKs; the ledger is a file people share, so anything
 * shaped like a credential is masked before it is written, and long texts are cut to keep each journal
 * line small (one line is one append).
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

export const MAX_TEXT_LENGTH = 2000;

export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Redacted, and cut to `max` characters with a marker saying how much was dropped. */
export function safeText(text: string, max = MAX_TEXT_LENGTH): string {
  const redacted = redactSecrets(text);
  if (redacted.length <= max) return redacted;
  return `${redacted.slice(0, max)}… [${redacted.length - max} more characters]`;
}
