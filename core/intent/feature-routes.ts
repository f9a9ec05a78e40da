import type { Diagnostic } from '../diagnostics.js';
import { UDC_ENDPOINTS } from '../udc-endpoints.js';
import type { LoadedMapping } from '../yaml-source.js';

/**
 * A route a key feature names itself: "GET /orders/{order id} endpoint". The SPEC writer gives such a
 * feature exactly that method and path. A parameter may hold spaces, a fixed segment may not.
 */
export const FEATURE_ROUTE = /(?:^|\s)(GET|POST|PUT|PATCH|DELETE)\s+(\/(?:\{[^{}\s][^{}]{0,40}\}|[^\s{])*)/i;

/** The method and path a feature names, if it names one. */
export function namedRoute(feature: string): { method: string; path: string } | undefined {
  const match = FEATURE_ROUTE.exec(feature);
  return match ? { method: match[1]!.toUpperCase(), path: match[2]! } : undefined;
}

/**
 * What a router tells routes apart by: the fixed segments (the generated code writes them in lower case)
 * and where the parameters sit. `/items/{id}` and `/items/{item_id}` are one route; `/items/{id}` and
 * `/items/latest` are two, served in the right order (static first).
 */
export function routeShape(path: string): string {
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((segment) => (/^\{.*\}$/.test(segment) ? '{}' : segment.toLowerCase()));
  return `/${segments.join('/')}`;
}

const UDC_SHAPES = new Map<string, string>(
  UDC_ENDPOINTS.map((e) => [`${e.method} ${routeShape(e.path)}`, `${e.method} ${e.path}`]),
);

/**
 * Key features that name the same route as an earlier feature or as a UDC endpoint: no generated
 * service can serve both, and renaming one in the SPEC would give the feature another API than the
 * intent asks for. One error per such feature, at the feature.
 */
export function routeConflicts(
  path: string,
  mapping: LoadedMapping,
  features: readonly string[],
): Diagnostic[] {
  const errors: Diagnostic[] = [];
  const first = new Map<string, number>();
  const texts = new Set<string>();
  features.forEach((feature, index) => {
    const text = feature.trim().toLowerCase();
    if (texts.has(text)) return; // the same feature twice: reported as a duplicate entry
    texts.add(text);
    const route = namedRoute(feature);
    if (!route) return;
    const key = `${route.method} ${routeShape(route.path)}`;
    const shown = `${route.method} ${route.path}`;
    const at = { path, ...mapping.locateValue(['key_features', index]), field: `key_features[${index}]` };
    const udc = UDC_SHAPES.get(key);
    if (udc) {
      errors.push({
        ...at,
        message: `names ${shown}, which is the UDC endpoint ${udc} that every service serves already; give this feature another path`,
      });
      return;
    }
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, index);
      return;
    }
    const earlierAt = mapping.locateValue(['key_features', earlier]);
    errors.push({
      ...at,
      message:
        `names ${shown}, the same route as key_features[${earlier}] (line ${earlierAt.line}); ` +
        'one route cannot serve two features: give each its own method or path',
    });
  });
  return errors;
}
