import type { ApiEndpoint } from './endpoints.js';

/**
 * An example as inline code: as the SPEC wrote it when that fits on one line (so `10.00` stays a
 * decimal and a restated block reads as the SPEC's), else compacted from a fenced block.
 */
function json(value: unknown, written: string | undefined): string {
  const text = written !== undefined && !written.includes('\n') ? written.trim() : JSON.stringify(value);
  return `\`${text}\``;
}

function requestLine(endpoint: ApiEndpoint): string {
  if (endpoint.request !== undefined) return json(endpoint.request, endpoint.requestJson);
  return endpoint.requestText?.trim() || 'none';
}

function responseLine(endpoint: ApiEndpoint): string {
  const status = endpoint.responseStatus ?? '(no status given)';
  if (endpoint.response !== undefined) return `${status} ${json(endpoint.response, endpoint.responseJson)}`;
  return `${status}`;
}

/**
 * Endpoints in the `###` layout of docs/spec-format.md, whatever layout the SPEC used: what a model
 * is handed next to a person-edited SPEC, so it implements the endpoints the build will check.
 */
export function renderEndpoints(endpoints: readonly ApiEndpoint[]): string {
  return endpoints
    .map((e) =>
      [
        `### ${e.method} ${e.path}`,
        `- Feature: ${e.feature ?? '(none given)'}`,
        `- Request: ${requestLine(e)}`,
        `- Response: ${responseLine(e)}`,
        `- Errors: ${e.errors ?? '(none given)'}`,
      ].join('\n'),
    )
    .join('\n\n');
}
