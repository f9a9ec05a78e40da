/** Failures a test arms on purpose: GitHub's secondary rate limit, a bad gateway, a slow answer. */
export type Fault =
  | { kind: 'secondary-rate-limit'; retryAfterSeconds: number }
  | { kind: 'bad-gateway' }
  | { kind: 'slow'; delayMs: number };

interface Armed {
  fault: Fault;
  /** Only requests whose "METHOD /template" matches; all requests when absent. */
  match?: RegExp;
  remaining: number;
}

export class Faults {
  private armed: Armed[] = [];
  /** Every fault that fired, in order, so a test can see it was exercised. */
  readonly fired: Array<{ fault: Fault; endpoint: string }> = [];

  /** The next `times` matching requests get 403 with `retry-after`, as GitHub's secondary limit does. */
  secondaryRateLimit(options: { retryAfterSeconds?: number; times?: number; match?: RegExp } = {}): void {
    this.arm({ kind: 'secondary-rate-limit', retryAfterSeconds: options.retryAfterSeconds ?? 1 }, options);
  }

  /** The next matching request gets 502 Bad Gateway. */
  badGateway(options: { times?: number; match?: RegExp } = {}): void {
    this.arm({ kind: 'bad-gateway' }, options);
  }

  /** The next matching requests are answered (correctly) only after `delayMs`. */
  slow(delayMs: number, options: { times?: number; match?: RegExp } = {}): void {
    this.arm({ kind: 'slow', delayMs }, options);
  }

  private arm(fault: Fault, options: { times?: number; match?: RegExp }): void {
    this.armed.push({
      fault,
      remaining: options.times ?? 1,
      ...(options.match ? { match: options.match } : {}),
    });
  }

  /** The fault for this request, consumed; undefined when none is armed for it. */
  take(endpoint: string): Fault | undefined {
    const index = this.armed.findIndex((a) => !a.match || a.match.test(endpoint));
    if (index < 0) return undefined;
    const armed = this.armed[index]!;
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.armed.splice(index, 1);
    this.fired.push({ fault: armed.fault, endpoint });
    return armed.fault;
  }

  clear(): void {
    this.armed = [];
  }
}
