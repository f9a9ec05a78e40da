import { createHmac, randomUUID } from 'node:crypto';
import type { WebhookContract } from './webhook-contract.js';

/** One attempt at delivering one event; a replay is a new attempt with the same GUID. */
export interface Delivery {
  /** "<guid>#<attempt>": what counters attribute calls to. */
  key: string;
  guid: string;
  attempt: number;
  event: string;
  action: string | undefined;
  payload: Record<string, unknown>;
  /** Set once sent: the receiver's status, or the network error. */
  status?: number;
  error?: string;
  sentAt?: number;
}

export interface WebhookTarget {
  url: string;
  secret: string;
}

/** The X-Hub-Signature-256 header GitHub sends: HMAC-SHA256 of the exact body with the webhook secret. */
export function signature256(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const DEFAULT_EVENTS = [
  'push',
  'pull_request',
  'pull_request_review',
  'issue_comment',
  'check_run',
  'installation',
  'installation_repositories',
];

/**
 * Records every event the double's state changes cause, and delivers it signed to the target URL, one
 * at a time and in order, after the REST answer that caused it (as GitHub does, asynchronously).
 */
export class Webhooks {
  target: WebhookTarget | undefined;
  /** Deliver events as they happen; off, events are only recorded and a test sends them itself. */
  autoDeliver = true;
  /** Events the app subscribes to; others are neither recorded nor sent (installation ones always are). */
  events = new Set(DEFAULT_EVENTS);
  readonly deliveries: Delivery[] = [];
  /** While set (the double's own set-up), state changes raise no events and load no webhook schemas. */
  muted = false;
  /** The delivery sent most recently: later REST calls are attributed to it. */
  current: Delivery | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly contract: WebhookContract,
    private readonly onProblem: (message: string) => void,
    private readonly hookId: number,
  ) {}

  /** Records an event (its payload checked against GitHub's webhook schema) and queues its delivery. */
  emit(event: string, payload: Record<string, unknown>): Delivery | undefined {
    if (this.muted) return undefined;
    if (!this.events.has(event) && !event.startsWith('installation')) return undefined;
    for (const problem of this.contract.validate(event, payload))
      this.onProblem(`the double built a ${event} payload GitHub would not send: ${problem}`);
    const guid = randomUUID();
    const delivery: Delivery = {
      key: `${guid}#1`,
      guid,
      attempt: 1,
      event,
      action: typeof payload.action === 'string' ? payload.action : undefined,
      payload,
    };
    this.deliveries.push(delivery);
    if (this.autoDeliver && this.target) this.enqueue(delivery);
    return delivery;
  }

  private enqueue(delivery: Delivery, signWith?: string): Promise<Delivery> {
    // After the REST answer that caused it has gone out, as GitHub delivers asynchronously.
    const sent = this.queue
      .then(() => new Promise((resolve) => setImmediate(resolve)))
      .then(() => this.post(delivery, signWith));
    this.queue = sent.then(
      () => undefined,
      () => undefined,
    );
    return sent;
  }

  private async post(delivery: Delivery, signWith?: string): Promise<Delivery> {
    const target = this.target;
    if (!target) throw new Error('no webhook target: call double.webhooks.target = { url, secret } first');
    const body = JSON.stringify(delivery.payload);
    this.current = delivery;
    delivery.sentAt = Date.now();
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'GitHub-Hookshot/double',
          'x-github-event': delivery.event,
          'x-github-delivery': delivery.guid,
          'x-github-hook-id': String(this.hookId),
          'x-github-hook-installation-target-type': 'integration',
          'x-hub-signature-256': signature256(signWith ?? target.secret, body),
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      delivery.status = response.status;
      await response.arrayBuffer();
    } catch (error) {
      delivery.error = (error as Error).message;
    }
    return delivery;
  }

  /**
   * Sends a recorded delivery now (whatever autoDeliver says) and waits for the receiver's answer;
   * `signWith` signs it with another secret, as a forger would.
   */
  send(delivery: Delivery, options: { signWith?: string } = {}): Promise<Delivery> {
    return this.enqueue(delivery, options.signWith);
  }

  /** Sends the same event again with the same X-GitHub-Delivery GUID, as GitHub's "Redeliver" does. */
  replay(delivery: Delivery): Promise<Delivery> {
    const attempts = this.deliveries.filter((d) => d.guid === delivery.guid).length;
    const again: Delivery = {
      key: `${delivery.guid}#${attempts + 1}`,
      guid: delivery.guid,
      attempt: attempts + 1,
      event: delivery.event,
      action: delivery.action,
      payload: delivery.payload,
    };
    this.deliveries.push(again);
    return this.enqueue(again);
  }

  /** Sends deliveries `gapMs` apart without waiting for answers in between (two racing pushes). */
  async sendSpaced(deliveries: Delivery[], gapMs: number): Promise<Delivery[]> {
    const sent: Array<Promise<Delivery>> = [];
    for (const [index, delivery] of deliveries.entries()) {
      if (index > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
      sent.push(this.post(delivery));
    }
    return Promise.all(sent);
  }

  /** Resolves once every queued delivery has been answered. */
  async settled(): Promise<void> {
    let seen: Promise<void> | undefined;
    while (seen !== this.queue) {
      seen = this.queue;
      await seen;
    }
  }

  /** Deliveries of one event (and action), oldest first. */
  of(event: string, action?: string): Delivery[] {
    return this.deliveries.filter((d) => d.event === event && (action === undefined || d.action === action));
  }
}
