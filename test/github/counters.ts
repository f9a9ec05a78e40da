/** One REST call the double answered, kept so tests can count reads and writes. */
export interface Call {
  seq: number;
  method: string;
  /** "METHOD /template" for a known endpoint, "METHOD /path" for an unhandled one. */
  endpoint: string;
  status: number;
  kind: 'read' | 'write';
  actor: string | undefined;
  /** The webhook delivery sent last before this call (calls are attributed by order, not by token). */
  delivery: string | undefined;
}

export interface Tally {
  reads: number;
  writes: number;
  byEndpoint: Record<string, { reads: number; writes: number }>;
}

export function tally(calls: readonly Call[]): Tally {
  const result: Tally = { reads: 0, writes: 0, byEndpoint: {} };
  for (const call of calls) {
    result.byEndpoint[call.endpoint] ??= { reads: 0, writes: 0 };
    const slot = result.byEndpoint[call.endpoint]!;
    if (call.kind === 'read') {
      result.reads += 1;
      slot.reads += 1;
    } else {
      result.writes += 1;
      slot.writes += 1;
    }
  }
  return result;
}

export class Counters {
  readonly calls: Call[] = [];

  record(call: Omit<Call, 'seq'>): void {
    this.calls.push({ seq: this.calls.length, ...call });
  }

  /** A position to count from: `since(mark)` counts only later calls. */
  mark(): number {
    return this.calls.length;
  }

  since(mark = 0, filter: (call: Call) => boolean = () => true): Tally {
    return tally(this.calls.slice(mark).filter(filter));
  }

  forDelivery(deliveryKey: string): Tally {
    return tally(this.calls.filter((call) => call.delivery === deliveryKey));
  }
}
