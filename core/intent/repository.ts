import { compareDiagnostics } from '../diagnostics.js';
import { didYouMean } from '../suggest.js';
import { KNOWN_INFRASTRUCTURE } from './schema.js';
import { type IntentFileReport, intentNameFromPath, validateIntentSource } from './validate.js';

export interface IntentSource {
  path: string;
  bytes: Uint8Array;
}

function portClashes(reports: IntentFileReport[]) {
  const byPort = new Map<number, IntentFileReport[]>();
  for (const report of reports) {
    if (!report.intent) continue;
    const group = byPort.get(report.intent.port) ?? [];
    group.push(report);
    byPort.set(report.intent.port, group);
  }
  for (const [port, group] of byPort) {
    if (group.length < 2) continue;
    for (const report of group) {
      const others = group
        .filter((other) => other !== report)
        .map((other) => {
          const at = other.mapping!.locateValue(['port']);
          return `${other.path}:${at.line}:${at.col}`;
        });
      report.errors.push({
        path: report.path,
        ...report.mapping!.locateValue(['port']),
        field: 'port',
        message: `${port} is also used by ${others.join(', ')}; ports must be unique`,
      });
    }
  }
}

function unknownDependencies(reports: IntentFileReport[], knownNames: readonly string[]) {
  const known = new Set(knownNames);
  for (const report of reports) {
    report.intent?.dependencies.forEach((dependency, index) => {
      if (known.has(dependency)) return;
      report.errors.push({
        path: report.path,
        ...report.mapping!.locateValue(['dependencies', index]),
        field: `dependencies[${index}]`,
        message:
          `'${dependency}' is neither an intent in this repository nor known infrastructure ` +
          `(${KNOWN_INFRASTRUCTURE.join(', ')})${didYouMean(dependency, knownNames)}`,
      });
    });
  }
}

/** Every elementary dependency cycle's representative, found with Tarjan's strongly connected components. */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component);
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);

  // Within each component, walk from its smallest name along members until a node repeats.
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    const path = [start];
    const seen = new Set([start]);
    let current = start;
    for (;;) {
      const next = [...(graph.get(current) ?? [])].sort().find((n) => members.has(n))!;
      if (seen.has(next)) return [...path.slice(path.indexOf(next)), next];
      path.push(next);
      seen.add(next);
      current = next;
    }
  });
}

function dependencyCycles(reports: IntentFileReport[]) {
  const byName = new Map<string, IntentFileReport>();
  const graph = new Map<string, readonly string[]>();
  for (const report of reports) {
    if (!report.intent) continue;
    byName.set(report.intent.service_name, report);
    graph.set(report.intent.service_name, report.intent.dependencies);
  }
  for (const cycle of findCycles(graph)) {
    const shown = cycle.join(' -> ');
    for (let i = 0; i < cycle.length - 1; i++) {
      const report = byName.get(cycle[i]!)!;
      const index = report.intent!.dependencies.indexOf(cycle[i + 1]!);
      report.errors.push({
        path: report.path,
        ...report.mapping!.locateValue(['dependencies', index]),
        field: `dependencies[${index}]`,
        message: `dependency cycle: ${shown}`,
      });
    }
  }
}

/**
 * Validates every intent of a repository: each file on its own, then the rules that span files
 * (unique ports, known dependencies, no cycles). Pure: sources in, reports out, in input order.
 */
export function validateIntentRepository(sources: readonly IntentSource[]): IntentFileReport[] {
  const reports = sources.map((source) => validateIntentSource(source.path, source.bytes));
  const knownNames = [
    ...new Set([...sources.map((s) => intentNameFromPath(s.path)), ...KNOWN_INFRASTRUCTURE]),
  ];
  // Repository rules judge only intents that are valid on their own, so a broken file never
  // makes its valid neighbours look wrong.
  const selfValid = reports.filter((report) => report.intent);
  portClashes(selfValid);
  unknownDependencies(selfValid, knownNames);
  dependencyCycles(selfValid);
  for (const report of reports) {
    report.errors.sort(compareDiagnostics);
    if (report.errors.length > 0) delete report.intent;
  }
  return reports;
}
