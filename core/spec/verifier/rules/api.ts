import type { z } from 'zod';
import {
  describeIssues,
  MessageAnswerSchema,
  MessageEnvelopeSchema,
  UDC_ANSWER_SCHEMAS,
} from '../../../udc/schemas.js';
import { type ApiEndpoint, endpointKey, isValidApiPath } from '../../api-section.js';
import { UDC_ENDPOINTS } from '../../sections.js';
import { sectionAnchor } from '../anchor.js';
import { clamp01, type Finding, type Rule } from '../types.js';

const ERROR_STATUS = /\b[45]\d\d\b/;
const CLIENT_ERROR = /\b4\d\d\b/;
const SERVER_ERROR = /\b5\d\d\b/;
const NO_BODY = /^(?:none|no body|empty|n\/a|\(none\))\b|^[-—–](?:\s|$)/i;

function answerSchema(path: string): z.ZodType | undefined {
  if (path === '/message') return MessageAnswerSchema;
  return (UDC_ANSWER_SCHEMAS as Record<string, z.ZodType>)[path];
}

function example(method: string, path: string): string {
  switch (`${method} ${path}`) {
    case 'GET /health':
      return '200 `{"status": "active", "service": "<name>", "version": "1.0.0", "timestamp": "2026-01-01T00:00:00Z"}`';
    case 'GET /capabilities':
      return '200 `{"service", "version", "features": [...], "dependencies": [...], "endpoints": [{"method", "path"}]}`';
    case 'GET /state':
      return '200 `{"uptime_seconds": 1.5, "requests_total": 3, "errors_total": 0, "started_at": "2026-01-01T00:00:00Z"}`';
    case 'GET /dependencies':
      return '200 `{"dependencies": [{"name": "registry", "status": "available"}]}`';
    default:
      return '202 `{"received": true, "trace_id": "t-1"}`';
  }
}

export const udcEndpointsRule: Rule = {
  id: 'udc-endpoints',
  title: 'The five UDC endpoints with method, path, response and errors',
  weight: 8,
  check(doc) {
    const findings: Finding[] = [];
    let earned = 0;
    for (const { method, path } of UDC_ENDPOINTS) {
      const key = `${method} ${path}`;
      const endpoint = doc.endpoints.find((e) => endpointKey(e) === key);
      if (!endpoint) {
        findings.push({
          line: sectionAnchor(doc, 'API'),
          blocking: true,
          message: `UDC endpoint '${key}' is missing: add '### ${key}' under '## API' with '- Feature: UDC', '- Request:', '- Response: ${example(method, path)}' and '- Errors:'`,
        });
        continue;
      }
      earned += 0.4;
      const schema = answerSchema(path);
      const responseAt = endpoint.responseLine ?? endpoint.line;
      if (endpoint.responseStatus === undefined || endpoint.responseStatus >= 300) {
        findings.push({
          line: responseAt,
          message: `'${key}' needs a 2xx response with a JSON example: write '- Response: ${example(method, path)}'`,
        });
      } else {
        const parsed = schema?.safeParse(endpoint.response);
        if (parsed && !parsed.success) {
          earned += 0.2;
          findings.push({
            line: responseAt,
            message: `'${key}' response example does not match the UDC answer (${describeIssues(parsed.error.issues, endpoint.response)}): use ${example(method, path)}`,
          });
        } else earned += 0.4;
      }
      if (method === 'POST') {
        const envelope = MessageEnvelopeSchema.safeParse(endpoint.request);
        if (!envelope.success)
          findings.push({
            line: endpoint.requestLine ?? endpoint.line,
            message: `'${key}' request must be the message envelope: '- Request: \`{"trace_id": "t-1", "source": "a", "target": "b", "message_type": "ping", "payload": {}, "timestamp": "2026-01-01T00:00:00Z"}\`' (${describeIssues(envelope.error.issues, endpoint.request)})`,
          });
      }
      const errors = endpoint.errors ?? '';
      const errorsOk =
        method === 'POST'
          ? CLIENT_ERROR.test(errors) && !SERVER_ERROR.test(errors)
          : ERROR_STATUS.test(errors);
      if (errorsOk) earned += 0.2;
      else
        findings.push({
          line: endpoint.errorsLine ?? endpoint.line,
          message:
            method === 'POST'
              ? `'${key}' must answer a malformed envelope with 4xx, never 5xx: write '- Errors: 422 malformed envelope'`
              : `'${key}' needs an errors line with a status code: write '- Errors: 503 ...' naming when it fails`,
        });
    }
    return { score: clamp01(earned / UDC_ENDPOINTS.length), findings };
  },
};

export function requestProblem(endpoint: ApiEndpoint): string | undefined {
  if (endpoint.requestText === undefined)
    return `add '- Request: none' or a one-line JSON body example in backticks`;
  if (NO_BODY.test(endpoint.requestText)) return undefined;
  if (endpoint.request === undefined || endpoint.request === null || typeof endpoint.request !== 'object')
    return `the request example is not a JSON object in backticks: write '- Request: \`{"field": "value"}\`' or 'none'`;
  return undefined;
}

export function responseProblem(endpoint: ApiEndpoint): string | undefined {
  const status = endpoint.responseStatus;
  if (endpoint.responseText === undefined)
    return `add '- Response: 200 \`{"field": "value"}\`' (a status code, then a JSON example)`;
  if (status === undefined || status < 100 || status > 599)
    return `the response must start with a status code: '- Response: 200 \`{...}\`'`;
  if (status !== 204 && (endpoint.response === undefined || typeof endpoint.response !== 'object'))
    return `the response has no JSON example: write '- Response: ${status} \`{"field": "value"}\`'`;
  return undefined;
}

export const endpointsCompleteRule: Rule = {
  id: 'endpoints-complete',
  title: 'Every endpoint complete: request, response with status, errors; no duplicates; valid paths',
  weight: 8,
  check(doc) {
    const findings: Finding[] = [];
    if (doc.endpoints.length === 0) {
      findings.push({
        line: sectionAnchor(doc, 'API'),
        message: `'## API' lists no endpoint: write each as '### METHOD /path' followed by '- Feature:', '- Request:', '- Response:' and '- Errors:' lines`,
      });
      return { score: 0, findings };
    }
    // One route, whatever its parameters are called: a router cannot tell /items/{id} from /items/{item_id}.
    const seen = new Map<string, { line: number; key: string }>();
    let earned = 0;
    for (const endpoint of doc.endpoints) {
      const key = endpointKey(endpoint);
      const route = `${endpoint.method} ${endpoint.path.replace(/\{[^}]*\}/g, '{}')}`;
      const first = seen.get(route);
      if (first !== undefined) {
        findings.push({
          line: endpoint.line,
          message:
            first.key === key
              ? `'${key}' is defined twice (first at line ${first.line}): merge the two into one`
              : `'${key}' is the same route as '${first.key}' (line ${first.line}), parameter names aside: merge the two into one`,
        });
        continue;
      }
      seen.set(route, { line: endpoint.line, key });
      let credit = 0;
      const request = requestProblem(endpoint);
      if (request)
        findings.push({ line: endpoint.requestLine ?? endpoint.line, message: `'${key}': ${request}` });
      else credit += 1 / 3;
      const response = responseProblem(endpoint);
      if (response)
        findings.push({ line: endpoint.responseLine ?? endpoint.line, message: `'${key}': ${response}` });
      else credit += 1 / 3;
      if (endpoint.errors && ERROR_STATUS.test(endpoint.errors)) credit += 1 / 3;
      else
        findings.push({
          line: endpoint.errorsLine ?? endpoint.line,
          message: `'${key}': add '- Errors: 422 ...; 404 ...' with the status codes it answers on failure and why`,
        });
      if (!isValidApiPath(endpoint.path)) {
        credit /= 2;
        findings.push({
          line: endpoint.line,
          message: `'${endpoint.path}' is not a valid path: use lowercase segments of a-z, 0-9, '-', '_' and '{id}' parameters, e.g. '/orders/{id}'`,
        });
      }
      earned += credit;
    }
    return { score: clamp01(earned / doc.endpoints.length), findings };
  },
};
