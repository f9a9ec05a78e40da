import { type ApiEndpoint, readSpec } from './document/index.js';

/** The endpoint types and helpers; they live with the SPEC document model (core/spec/document/). */
export * from './document/endpoints.js';

/** Endpoints of the SPEC's API section in any accepted layout: `readSpec(markdown).endpoints`. */
export function parseApiEndpoints(markdown: string): ApiEndpoint[] {
  return readSpec(markdown).endpoints;
}
