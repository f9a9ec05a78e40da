import { redactSecrets } from '../redact.js';

/**
 * Error texts and phase details come from tools and SDKs; the ledger is a file people share, so anything
 * shaped like a credential is masked before it is written, and long texts are cut to keep each journal
 * line small (one line is one append).
 */
export const MAX_TEXT_LENGTH = 2000;

/** Redacted, and cut to `max` characters with a marker saying how much was dropped. */
export function safeText(text: string, max = MAX_TEXT_LENGTH): string {
  const redacted = redactSecrets(text);
  if (redacted.length <= max) return redacted;
  return `${redacted.slice(0, max)}… [${redacted.length - max} more characters]`;
}
