import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  APPROVAL_MODES,
  type Intent,
  IntentSchema,
  PRIORITIES,
  SERVICE_TYPES,
} from '../core/intent/schema.js';
import { validateIntentSource } from '../core/intent/validate.js';
import { repositoryPath } from './measure.js';

/** A small deterministic PRNG, so a failing case can be reproduced from its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Features people write, odd ones included: paths, UDC paths, punctuation, other scripts, vague words. */
const ODD_FEATURES = [
  'GET /hello endpoint',
  'Stripe integration',
  'Webhooks',
  'Refunds',
  'Refunds!',
  'GET /health details',
  'POST /message relay to partners',
  'GET /state snapshot',
  'Import/export CSV',
  'Search by name, tag & date',
  'Überweisungen prüfen',
  'Rechnungen für Kunden erstellen',
  '日本語の翻訳',
  'Émoji 🎉 reactions',
  'Fast search',
  'TODO list management',
  'A/B testing (v2)',
  'GET /orders/{id} lookup',
  'DELETE /orders/{order id}',
  'PUT /Users/{ID}/Profile',
  'Send e-mail notifications!',
  'Metrics dashboard',
  'Rate limiting: 100 req/s per client',
  'Proxy to the legacy port 9000 gateway',
  'Handle ??? edge cases',
  '  Multi-line\n  feature text  ',
  'api',
  '🚀',
  'café crème orders',
  'Schedule appointments',
  'Cancel bookings',
  'Update inventory levels',
  'Track shipments in real time',
  'Generate PDF invoices',
  'User authentication with OAuth2',
  'Webhook retries with backoff',
];
const VERBS = [
  'Create',
  'List',
  'Update',
  'Delete',
  'Export',
  'Process',
  'Validate',
  'Sync',
  'Archive',
  'Report on',
  'Notify about',
  'Summarise',
];
const NOUNS = [
  'orders',
  'invoices',
  'payments',
  'users',
  'documents',
  'events',
  'tickets',
  'shipments',
  'reviews',
  'photos',
  'playlists',
  'sensors',
  'readings',
  'coupons',
  'tenants',
  'alerts',
];
const NAME_WORDS = [
  'alpha',
  'ledger',
  'orbit',
  'pixel',
  'quartz',
  'relay',
  'signal',
  'tango',
  'vector',
  'willow',
  'zephyr',
  'harbor',
];
const OTHER_SERVICES = ['billing-core', 'user-store', 'ledger-api', 'notify-hub'];
const INFRASTRUCTURE = ['registry', 'orchestrator', 'verifier'];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** `count` valid, varied intents: 1–12 features, every priority, type and approval mode, ports 1024–65535. */
export function variedIntents(count: number, seed = 20260101): Intent[] {
  const random = mulberry32(seed);
  const intents: Intent[] = [];
  for (let i = 0; i < count; i++) {
    const featureCount = 1 + Math.floor(random() * 12);
    const features: string[] = [];
    while (features.length < featureCount) {
      const feature =
        random() < 0.45 ? pick(random, ODD_FEATURES) : `${pick(random, VERBS)} ${pick(random, NOUNS)}`;
      if (!features.some((f) => f.trim().toLowerCase() === feature.trim().toLowerCase()))
        features.push(feature);
    }
    const dependencies = [...INFRASTRUCTURE, ...OTHER_SERVICES].filter(() => random() < 0.25);
    intents.push(
      IntentSchema.parse({
        service_name: `${pick(random, NAME_WORDS)}-${pick(random, NAME_WORDS)}-${i}`,
        service_type: pick(random, SERVICE_TYPES),
        priority: pick(random, PRIORITIES),
        purpose: `${pick(random, VERBS)} ${pick(random, NOUNS)} for ${pick(random, NAME_WORDS)} teams${random() < 0.2 ? ' — schnell & zuverlässig' : ''}`,
        key_features: features,
        dependencies,
        port: 1024 + Math.floor(random() * (65536 - 1024)),
        auto_build: random() < 0.8,
        approval_mode: pick(random, APPROVAL_MODES),
        deploy_local: random() < 0.9,
        deploy_production: random() < 0.3,
      }),
    );
  }
  return intents;
}

/** A SPEC written by hand for an intent, in one of the layouts people use. */
export interface HandWrittenSpec {
  /** File name under test/fixtures/specs/corpus/: `<service>.<layout>.md`. */
  file: string;
  /** The layout the file name announces: headings, table, bullets or mix. */
  layout: string;
  intent: Intent;
  markdown: string;
}

export const CORPUS_DIR = 'test/fixtures/specs/corpus';

/**
 * The hand-written SPECs of test/fixtures/specs/corpus/, each with its intent: `<service>.yaml` beside
 * it, else `intents/<service>.yaml`. In file-name order, so every run sees the same corpus.
 */
export function handWrittenSpecs(): HandWrittenSpec[] {
  const dir = repositoryPath(CORPUS_DIR);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((file) => {
      const [service, layout] = file.split('.');
      const beside = join(dir, `${service}.yaml`);
      const intentPath = existsSync(beside) ? beside : repositoryPath(`intents/${service}.yaml`);
      const report = validateIntentSource(intentPath, readFileSync(intentPath));
      if (!report.intent) throw new Error(`${intentPath} is invalid: ${JSON.stringify(report.errors)}`);
      return {
        file,
        layout: layout!,
        intent: report.intent,
        markdown: readFileSync(join(dir, file), 'utf8'),
      };
    });
}
