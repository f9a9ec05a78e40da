import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { statusWorthy } from '../../bot/src/windows/facts.js';
import { buildsJson, dashboardJson, intentStatusJson, queueOf } from '../../bot/src/windows/seed.js';
import { judgeSubmission } from '../../bot/src/windows/submit.js';
import type { IntentView, LineView, Phase, RunView } from '../../bot/src/windows/view.js';
import { INTENT_FIELDS, IntentSchema } from '../../core/intent/schema.js';
import { intentYaml } from '../helpers/bot.js';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const at = (hour: number, minute = 0) =>
  `2026-12-06T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z`;

function intent(
  name: string,
  phase: Phase,
  priority: IntentView['priority'],
  start: string,
  end: string,
): IntentView {
  return {
    intentId: `${name}@0123abcd`,
    repository: 'o/r',
    serviceName: name,
    priority,
    approvalMode: 'auto',
    dependencies: ['registry'],
    phase,
    updatedAt: end,
    queuedAt: start,
    history: [
      { phase: 'queued', at: start },
      { phase, at: end },
    ],
  };
}

function build(
  id: string,
  outcome: RunView['outcome'],
  start: string,
  end?: string,
  queued = false,
): RunView {
  return {
    id,
    repository: 'o/r',
    serviceName: 'a',
    kind: 'build',
    outcome,
    startedAt: start,
    ...(end ? { finishedAt: end } : {}),
    ...(queued ? { queued } : {}),
  };
}

const view: LineView = {
  generatedAt: at(12),
  repositories: ['o/r'],
  intents: [
    intent('done', 'live', 'medium', at(9), at(10)),
    intent('broken', 'failed', 'high', at(9), at(9, 30)),
    intent('writing', 'spec_optimization', 'high', at(11), at(11, 30)),
    intent('waiting-low', 'queued', 'low', at(8), at(8)),
    intent('waiting-critical', 'queued', 'critical', at(11, 50), at(11, 50)),
    intent('review', 'awaiting_review', 'medium', at(7), at(7, 10)),
  ],
  runs: [
    build('build:1', 'succeeded', at(9), at(9, 30)),
    build('build:2', 'failed', at(10), at(10, 10)),
    build('build:3', 'running', at(11)),
    build('build:4', 'running', at(11, 55), undefined, true),
    { ...build('spec-x', 'succeeded', at(8), at(8, 5)), kind: 'spec' },
  ],
};

describe('the seed’s JSON from a LineView', () => {
  it('GET /dashboard: core’s figures over each intent’s pipeline, active phases only, the queue by priority then age', () => {
    expect(dashboardJson(view, NOW)).toEqual({
      summary: {
        total_intents_today: 6,
        completed_today: 1,
        failed_today: 1,
        success_rate: 0.5,
        avg_pipeline_duration_minutes: 45, // 60 and 30 minutes
      },
      active_pipelines: [
        { intent_id: 'writing@0123abcd', service_name: 'writing', phase: 'spec_optimization' },
      ],
      queue: [
        { intent_id: 'waiting-critical@0123abcd', service_name: 'waiting-critical', priority: 'critical' },
        { intent_id: 'waiting-low@0123abcd', service_name: 'waiting-low', priority: 'low' },
      ],
    });
    expect(queueOf(view).map((i) => i.serviceName)).toEqual(['waiting-critical', 'waiting-low']);
  });

  it('GET /builds: build runs only; a run waiting for a runner is queued', () => {
    expect(buildsJson(view)).toEqual({
      total: 4,
      queued: 1,
      running: 1,
      completed: 1,
      failed: 1,
      success_rate: 0.5,
      avg_build_time_minutes: 20,
    });
  });

  it('GET /intents/{id}/status carries the phase, null score and no PR when there is none', () => {
    expect(intentStatusJson(view.intents[1]!)).toMatchObject({
      intent_id: 'broken@0123abcd',
      phase: 'failed',
      score: null,
      pull_request: null,
      history: [{ phase: 'queued' }, { phase: 'failed' }],
    });
  });
});

const enc = new TextEncoder();
const existing = [{ path: 'intents/ledger.yaml', bytes: enc.encode(intentYaml('ledger', { port: 8301 })) }];
const fields = {
  port: 8302,
  service_name: 'payments',
  service_type: 'domain',
  purpose: 'Takes card payments: "quoted" and # not a comment',
  key_features: ['POST /payments endpoint'],
  dependencies: ['registry', 'ledger'],
};

describe('judgeSubmission', () => {
  it('writes the whole intent, schema comment first, fields in the schema’s order, the same bytes every time', () => {
    const judged = judgeSubmission(fields, existing);
    if (!judged.ok) throw new Error(JSON.stringify(judged.errors));
    expect(judged.path).toBe('intents/payments.yaml');
    const [first, ...rest] = judged.text.split('\n');
    expect(first).toBe('# yaml-language-server: $schema=../schemas/intent.schema.json');
    const keys = rest.filter((l) => /^[a-z_]+:/.test(l)).map((l) => l.split(':')[0]);
    expect(keys).toEqual(INTENT_FIELDS);
    expect(IntentSchema.parse(parse(judged.text))).toEqual(judged.intent);
    expect(judged.intent.purpose).toBe(fields.purpose);
    const again = judgeSubmission({ ...fields }, existing);
    expect(again.ok && again.text).toBe(judged.text);
  });

  it('reports the schema’s and the repository’s errors by field, not those of files already there', () => {
    const broken = [...existing, { path: 'intents/old.yaml', bytes: enc.encode('service_name: old\n') }];
    const judged = judgeSubmission({ ...fields, service_type: 'domian', port: 8301 }, broken);
    expect(judged.ok).toBe(false);
    if (judged.ok) return;
    expect(judged.errors).toEqual([
      { field: 'service_type', message: expect.stringContaining("did you mean 'domain'") },
    ]);
    const clash = judgeSubmission({ ...fields, port: 8301 }, broken);
    expect(clash.ok ? [] : clash.errors).toEqual([
      { field: 'port', message: expect.stringContaining('intents/ledger.yaml') },
    ]);
    const nameless = judgeSubmission({ ...fields, service_name: 'Pay Ments' }, existing);
    expect(nameless.ok ? [] : nameless.errors.map((e) => e.field)).toEqual(['service_name']);
  });
});

describe('statusWorthy', () => {
  it('reads the status of each service’s newest deployment, however old, and of the newest 30', () => {
    const deployments = Array.from({ length: 60 }, (_, i) => ({
      id: i,
      // Newest first: 50 of busy, then an old one of quiet, then older busy ones and a string payload.
      payload: i === 50 ? JSON.stringify({ service: 'quiet' }) : i === 55 ? {} : { service: 'busy' },
    }));
    expect(statusWorthy(deployments).map((d) => d.id)).toEqual([
      ...Array.from({ length: 30 }, (_, i) => i),
      50,
    ]);
  });
});
