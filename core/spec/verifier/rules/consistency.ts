import type { Intent } from '../../../intent/schema.js';
import { KNOWN_INFRASTRUCTURE, SERVICE_NAME_PATTERN } from '../../../intent/schema.js';
import { sectionAnchor } from '../anchor.js';
import { contentLines, type SpecDocument, type SpecLine } from '../document.js';
import { clamp01, type Finding, type Rule } from '../types.js';

/**
 * Where a document states a port: "port 8080", "PORT=8080", "port: `8080`", "| `PORT` | `8080` |",
 * "localhost:8080", "http://host.example:8080", "--port 8080", "listens on 8080".
 */
const PORT_PATTERNS = [
  /\bports?\b[`'"*]{0,2}\s{0,3}(?:number\s{1,3})?(?:[:=|]|\bis\b|\bof\b|\bto\b|\bon\b)?\s{0,3}[`'"*|]{0,2}\s{0,3}[`'"*]{0,2}(\d{2,5})(?![\d.]\d|\w)/gi,
  /(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1?\]|https?:\/\/[\w.-]{1,253}):(\d{2,5})(?![\d.]\d|\w)/gi,
  /\blisten(?:s|ing)?\s{1,3}on\s{1,3}:?(\d{2,5})(?![\d.]\d|\w)/gi,
];

export interface PortMention {
  port: number;
  /** Offset of the digits in the line. */
  index: number;
}

export function portMentions(text: string): PortMention[] {
  if (!/port|:\d|listen/i.test(text)) return [];
  const mentions: PortMention[] = [];
  for (const pattern of PORT_PATTERNS) {
    pattern.lastIndex = 0;
    for (const match of text.matchAll(pattern)) {
      const digits = match[1]!;
      const index = match.index + match[0].length - digits.length;
      if (!mentions.some((m) => m.index === index)) mentions.push({ port: Number(digits), index });
    }
  }
  return mentions;
}

/** The line with every stated port other than `port` set to `port`. */
export function replacePorts(text: string, port: number): string {
  let result = text;
  for (const mention of portMentions(text).sort((a, b) => b.index - a.index)) {
    if (mention.port === port) continue;
    const digits = String(mention.port).length;
    result = `${result.slice(0, mention.index)}${port}${result.slice(mention.index + digits)}`;
  }
  return result;
}

/** The variable that sets the service's own port. */
const PORT_VARIABLE = /^(?:PORT|HTTP_PORT|SERVICE_PORT|APP_PORT|LISTEN_PORT)$/;

const namePatterns = new Map<string, RegExp>();

/** Whether `text` names one of the services (whole name: "registry" is not in "registry-proxy"). */
function namesAny(text: string, names: readonly string[]): boolean {
  if (names.length === 0) return false;
  const lower = text.toLowerCase();
  return names.some((name) => {
    if (!lower.includes(name)) return false;
    let pattern = namePatterns.get(name);
    if (!pattern) {
      pattern = new RegExp(`(?<![a-z0-9-])${name}(?![a-z0-9-])`);
      namePatterns.set(name, pattern);
    }
    return pattern.test(lower);
  });
}

export const portRule: Rule = {
  id: 'port',
  title: "The intent's port stated in Configuration and nowhere contradicted",
  weight: 6,
  check(doc, intent) {
    const findings: Finding[] = [];
    const configuration = doc.section('Configuration');
    const configLines = new Set(configuration ? doc.bodyOf(configuration).map((l) => l.line) : []);
    let inConfiguration = false;
    let anywhere = false;
    let wrong = 0;
    for (const line of doc.lines) {
      for (const mention of portMentions(line.own)) {
        if (mention.port === intent.port) {
          anywhere = true;
          if (configLines.has(line.line) && !line.stuffed) inConfiguration = true;
          continue;
        }
        // A dependency's URL may carry that dependency's own port.
        if (namesAny(line.text, intent.dependencies)) continue;
        wrong++;
        findings.push({
          line: line.line,
          blocking: true,
          message: `port ${mention.port} contradicts the intent's port ${intent.port}: write ${intent.port}`,
        });
      }
    }
    // A variable such as `- `PORT` (default 8350)` states the port whatever the wording around it.
    const portVariable = doc.model.variables.find(
      (v) => PORT_VARIABLE.test(v.name) && v.default !== undefined,
    );
    if (portVariable && configLines.has(portVariable.line)) {
      const stated = Number(/\d{2,5}/.exec(portVariable.default!)?.[0]);
      if (stated === intent.port) inConfiguration = true;
      else if (Number.isInteger(stated) && !findings.some((f) => f.line === portVariable.line)) {
        wrong++;
        findings.push({
          line: portVariable.line,
          blocking: true,
          message: `port ${stated} contradicts the intent's port ${intent.port}: write ${intent.port}`,
        });
      }
    }
    let score = inConfiguration ? 1 : anywhere ? 0.5 : 0;
    if (!inConfiguration)
      findings.push({
        line: sectionAnchor(doc, 'Configuration'),
        // Nowhere stated, the service's port is anyone's guess; stated elsewhere, it is only misplaced.
        ...(anywhere ? {} : { blocking: true as const }),
        message: `'## Configuration' does not state the port: add 'PORT' with default ${intent.port} (the intent's port)`,
      });
    score -= 0.25 * wrong;
    return { score: clamp01(score), findings };
  },
};

const DOWN_BEHAVIOUR =
  /\b(?:down|unavailable|unreachable|outage|fails?|failure|failing|times? out|timeout|offline|not respond\w*|degrad\w*|retr(?:y|ies)|fallback|circuit)\b/i;
const NEGATION = /\b(?:no|not|never|without|none)\b/i;
const NO_DEPENDENCIES =
  /\b(?:none|no (?:other )?(?:service )?dependenc|depends on no|calls no|has no dependenc)/i;
/** Libraries and runtimes: not services, so not dependencies in the intent's sense. */
const NOT_SERVICES = new Set([
  'python',
  'python3',
  'fastapi',
  'uvicorn',
  'pydantic',
  'httpx',
  'pytest',
  'requests',
  'starlette',
  'none',
  'node',
  'json',
  'http',
  'https',
  'timeout',
  'timeouts',
  'retries',
  'behaviour',
  'behavior',
  'when',
  'failure',
  'status',
]);
const DEPENDENCY_BULLET =
  /^\s*(?:[-*+]|\d+[.)])\s+(?:\*\*|`|__)?([A-Za-z][\w.-]{1,62})(?:\*\*|`|__)?\s*(?::|—|–|-\s|\()/;

/** Names listed as dependencies that the intent does not declare, with their lines. */
function undeclared(doc: SpecDocument, intent: Intent): { name: string; line: number }[] {
  const section = doc.section('Dependencies');
  const result: { name: string; line: number }[] = [];
  const add = (name: string, line: number) => {
    if (
      !intent.dependencies.includes(name) &&
      name !== intent.service_name &&
      !result.some((r) => r.name === name)
    )
      result.push({ name, line });
  };
  if (section) {
    for (const line of contentLines(doc.bodyOf(section))) {
      const bullet = DEPENDENCY_BULLET.exec(line.text);
      const name = bullet?.[1]?.toLowerCase();
      if (name && SERVICE_NAME_PATTERN.test(name) && !NOT_SERVICES.has(name)) add(name, line.line);
      if (NEGATION.test(line.text)) continue;
      for (const known of KNOWN_INFRASTRUCTURE) if (namesAny(line.text, [known])) add(known, line.line);
    }
  }
  const statuses = doc.endpoints.find((e) => e.method === 'GET' && e.path === '/dependencies');
  const listed = (statuses?.response as { dependencies?: unknown } | undefined)?.dependencies;
  if (Array.isArray(listed))
    for (const entry of listed) {
      const name = (entry as { name?: unknown } | null)?.name;
      if (typeof name === 'string') add(name, statuses!.responseLine ?? statuses!.line);
    }
  return result;
}

const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+/;

/**
 * The list item or paragraph that holds `line`: from it on, up to a blank line or the next item.
 * A dependency's failure behaviour must be stated there, not in some later paragraph.
 */
function itemAt(body: readonly SpecLine[], line: number): SpecLine[] {
  const start = body.findIndex((l) => l.line === line);
  const item = [body[start]!];
  for (const next of body.slice(start + 1)) {
    if (next.kind === 'blank' || next.kind === 'heading' || LIST_ITEM.test(next.text)) break;
    item.push(next);
  }
  return item;
}

export const dependenciesRule: Rule = {
  id: 'dependencies',
  title: 'Each intent dependency listed with its behaviour when down; no undeclared dependency',
  weight: 8,
  check(doc, intent) {
    const findings: Finding[] = [];
    const section = doc.section('Dependencies');
    const anchor = sectionAnchor(doc, 'Dependencies');
    const body = section ? doc.bodyOf(section) : [];
    const lines = contentLines(body);
    let score: number;
    if (intent.dependencies.length === 0) {
      score = lines.some((l) => NO_DEPENDENCIES.test(l.text)) ? 1 : 0;
      if (score === 0)
        findings.push({
          line: anchor,
          message: `the intent declares no dependencies: say so under '## Dependencies' ("None: the service calls no other service")`,
        });
    } else {
      let earned = 0;
      for (const dependency of intent.dependencies) {
        const at = lines.findIndex((l) => namesAny(l.text, [dependency]));
        const item = at < 0 ? [] : itemAt(body, lines[at]!.line);
        if (at < 0) {
          findings.push({
            line: anchor,
            message: `dependency '${dependency}' is not listed: add '- ${dependency}: what the service uses it for. When ${dependency} is down: ...'`,
          });
          continue;
        }
        earned += 0.5;
        if (item.some((l) => DOWN_BEHAVIOUR.test(l.text))) earned += 0.5;
        else
          findings.push({
            line: lines[at]!.line,
            message: `dependency '${dependency}' has no failure behaviour: say what the service does when ${dependency} is down (e.g. "answers 503 and retries every 30 s")`,
          });
      }
      score = earned / intent.dependencies.length;
    }
    for (const { name, line } of undeclared(doc, intent)) {
      score -= 0.25;
      findings.push({
        line,
        message: `'${name}' is listed as a dependency but the intent does not declare it: remove it, or add it to the intent's dependencies`,
      });
    }
    return { score: clamp01(score), findings };
  },
};
