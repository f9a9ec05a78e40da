/**
 * The values a runner must mask, and a scrubber for text the Action writes itself (summary, outputs,
 * annotations, deployment descriptions), which the runner's masking may not reach. A multi-line secret
 * (a private key) is masked line by line too: the runner matches masks within one log line.
 */
export function maskValues(secrets: readonly (string | undefined)[]): string[] {
  const values = new Set<string>();
  for (const secret of secrets) {
    if (!secret?.trim()) continue;
    values.add(secret);
    for (const line of secret.split(/\r?\n/)) {
      const trimmed = line.trim();
      // Short fragments would mask ordinary words in the log without protecting anything.
      if (trimmed.length >= 8) values.add(trimmed);
    }
  }
  // Longest first, so a whole secret is replaced before its lines are.
  return [...values].sort((a, b) => b.length - a.length);
}

/** Replaces the values with `***`, then applies `redact` (core's redactor of credential-shaped text). */
export function scrubberFor(
  values: readonly string[],
  redact: (text: string) => string = (text) => text,
): (text: string) => string {
  return (text) => {
    let out = text;
    for (const value of values) out = out.split(value).join('***');
    return redact(out);
  };
}
