import { endpointKey } from '../../api-section.js';
import { servedFeatures } from '../../document/features.js';
import { featureEndpoints, NON_FUNCTIONAL } from '../../document/index.js';
import { sectionAnchor } from '../anchor.js';
import { contentLines, type SpecDocument, type SpecLine } from '../document.js';
import { mentions, quote, significantTokens, subjectMatcher, tokenCoverage, tokenSet } from '../text.js';
import { clamp01, type Finding, type Rule } from '../types.js';

/** Content lines of Requirements outside its non-functional subsection. */
export function functionalLines(doc: SpecDocument): SpecLine[] {
  const section = doc.section('Requirements');
  if (!section) return [];
  const result: SpecLine[] = [];
  let nonFunctional = false;
  for (const line of doc.bodyOf(section)) {
    if (line.kind === 'heading') nonFunctional = NON_FUNCTIONAL.test(line.text);
    else if (!nonFunctional) result.push(line);
  }
  return contentLines(result);
}

/** Whether an endpoint's `- Feature:` text names this key feature (each mostly covers the other). */
export function servesFeature(featureText: string | undefined, feature: string): boolean {
  if (!featureText) return false;
  return mentions(featureText, feature) && mentions(feature, featureText, 0.5);
}

export const featureTraceabilityRule: Rule = {
  id: 'feature-traceability',
  title: 'Every key feature traced to a functional requirement and an API endpoint',
  weight: 14,
  check(doc, intent) {
    const findings: Finding[] = [];
    const functional = functionalLines(doc);
    const ownEndpoints = featureEndpoints(doc.endpoints);
    const served = servedFeatures(
      ownEndpoints.map((e) => e.feature),
      intent.key_features,
    );
    let hits = 0;
    intent.key_features.forEach((feature, index) => {
      const label = `key feature ${index + 1} ${quote(feature)}`;
      const isMentioned = subjectMatcher(feature);
      if (functional.some((l) => isMentioned(doc.prepared(l)))) hits++;
      else
        findings.push({
          line: sectionAnchor(doc, 'Requirements'),
          blocking: true,
          message: `${label} has no functional requirement: add a line under '## Requirements' (Functional) that names it and says what the service does for it`,
        });
      if (served.some((features) => features.has(index))) hits++;
      else
        findings.push({
          line: sectionAnchor(doc, 'API'),
          blocking: true,
          message: `${label} has no API endpoint: add '### METHOD /path' under '## API' with '- Feature: ${feature.replace(/\s+/g, ' ').trim()}'`,
        });
    });
    let orphans = 0;
    ownEndpoints.forEach((endpoint, i) => {
      if (served[i]!.size > 0) return;
      orphans++;
      findings.push({
        line: endpoint.featureLine ?? endpoint.line,
        message: endpoint.feature
          ? `'${endpointKey(endpoint)}' serves ${quote(endpoint.feature)}, which is not a key feature of the intent: name one of its key features in '- Feature:' or remove the endpoint`
          : `'${endpointKey(endpoint)}' has no '- Feature:' line: name the key feature it serves`,
      });
    });
    const wanted = 2 * intent.key_features.length + orphans;
    return { score: wanted === 0 ? 1 : clamp01(hits / wanted), findings };
  },
};

/** Share of the intent's terms that Purpose & Scope must name for full credit: the gist, not the sentence. */
export const RELEVANCE_COVERAGE = 0.5;

export const intentRelevanceRule: Rule = {
  id: 'intent-relevance',
  title: "Purpose & Scope names the service and speaks of the intent's purpose and features",
  weight: 5,
  check(doc, intent) {
    const findings: Finding[] = [];
    const purposeSection = doc.section('Purpose & Scope');
    const purposeLines = purposeSection ? contentLines(doc.bodyOf(purposeSection)) : [];
    const name = intent.service_name.toLowerCase();
    const named =
      (doc.outline.title?.text.toLowerCase().includes(name) ?? false) ||
      purposeLines.some((l) => l.text.toLowerCase().includes(name));
    let score = 0;
    if (named) score += 0.4;
    else
      findings.push({
        line: doc.outline.title?.line ?? 1,
        message: `the SPEC never names the service '${intent.service_name}': put it in the '# ' title and in '## Purpose & Scope'`,
      });
    // The significant terms of the purpose and the key features, each counted once.
    const terms = [...new Set([intent.purpose, ...intent.key_features].flatMap(significantTokens))];
    // The service's name earns its own credit above; "hello-world" does not also say "hello world".
    const said = tokenSet(
      purposeLines
        .map((l) => l.text)
        .join(' ')
        .toLowerCase()
        .split(name)
        .join(' '),
    );
    const covered = tokenCoverage(terms, said);
    score += 0.6 * Math.min(1, covered / RELEVANCE_COVERAGE);
    if (covered < RELEVANCE_COVERAGE) {
      const missing = terms.filter((t) => !said.has(t)).slice(0, 6);
      findings.push({
        line: sectionAnchor(doc, 'Purpose & Scope'),
        message: `'## Purpose & Scope' does not state the intent's purpose ${quote(intent.purpose, 80)}: say what the service is for and what it offers in those terms (missing: ${missing.join(', ')})`,
      });
    }
    return { score: clamp01(score), findings };
  },
};
