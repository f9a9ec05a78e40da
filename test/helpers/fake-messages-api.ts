import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PromptCacheModel } from './prompt-cache.js';

/**
 * A local stand-in for api.anthropic.com: POST /v1/messages answered from a script, with bodies shaped
 * like the real Messages API. Every request is recorded for assertions.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export type ScriptedReply =
  | { status: number; body: unknown; headers?: Record<string, string> }
  /** Close the connection without answering: the client sees a connection error. */
  | { drop: true }
  /** Never answer: the client times out. */
  | { hang: true };

export type Script = ScriptedReply[] | ((request: RecordedRequest, index: number) => ScriptedReply);

export interface FakeMessagesApi {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface MessageOptions {
  model?: string;
  stop_reason?: string;
  stop_details?: unknown;
  usage?: Partial<{
    input_tokens: number;
    output_tokens: number;
    cache_creation_input_tokens: number;
    cache_read_input_tokens: number;
  }>;
}

let messageCounter = 0;

export function messageBody(content: unknown[], options: MessageOptions = {}) {
  messageCounter += 1;
  const usage = {
    input_tokens: 1200,
    output_tokens: 800,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    ...options.usage,
  };
  return {
    id: `msg_test${String(messageCounter).padStart(6, '0')}`,
    type: 'message',
    role: 'assistant',
    model: options.model ?? 'claude-sonnet-4-6',
    content,
    stop_reason: options.stop_reason ?? 'end_turn',
    stop_sequence: null,
    stop_details: options.stop_details ?? null,
    usage: {
      ...usage,
      cache_creation: {
        ephemeral_5m_input_tokens: usage.cache_creation_input_tokens,
        ephemeral_1h_input_tokens: 0,
      },
      server_tool_use: null,
      service_tier: 'standard',
    },
  };
}

export function textReply(text: string, options: MessageOptions = {}): ScriptedReply {
  return { status: 200, body: messageBody([{ type: 'text', text, citations: null }], options) };
}

export function toolReply(input: unknown, options: MessageOptions & { name?: string } = {}): ScriptedReply {
  const block = { type: 'tool_use', id: 'toolu_01test', name: options.name ?? 'write_files', input };
  return { status: 200, body: messageBody([block], { stop_reason: 'tool_use', ...options }) };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export function errorReply(status: number, message: string, headers?: Record<string, string>): ScriptedReply {
  return {
    status,
    body: { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } },
    headers: { 'request-id': `req_test${status}`, ...headers },
  };
}

export interface FakeApiOptions {
  /**
   * Bill input, cache writes and cache reads of every answered message from the request, as the API's
   * prompt cache would (output tokens stay as scripted), instead of taking them from the script.
   */
  promptCache?: PromptCacheModel;
}

/** A 200 message reply whose input and cache usage is what `cache` bills for `request`. */
function billed(
  reply: ScriptedReply,
  request: Record<string, unknown>,
  cache: PromptCacheModel,
): ScriptedReply {
  if (!('status' in reply) || reply.status !== 200) return reply;
  const body = reply.body as { usage?: Record<string, unknown> };
  if (!body.usage) return reply;
  const usage = cache.usage(request);
  return {
    ...reply,
    body: {
      ...body,
      usage: {
        ...body.usage,
        ...usage,
        cache_creation: {
          ephemeral_5m_input_tokens: usage.cache_creation_input_tokens,
          ephemeral_1h_input_tokens: 0,
        },
      },
    },
  };
}

export async function startFakeMessagesApi(
  script: Script,
  options: FakeApiOptions = {},
): Promise<FakeMessagesApi> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        body = { unparsable: text };
      }
      const recorded = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      const index = requests.length;
      requests.push(recorded);
      let reply: ScriptedReply | undefined =
        req.method === 'POST' && req.url?.split('?')[0] === '/v1/messages'
          ? typeof script === 'function'
            ? script(recorded, index)
            : script[index]
          : errorReply(404, `no route ${req.method} ${req.url}`);
      if (reply && options.promptCache) reply = billed(reply, body, options.promptCache);
      if (!reply) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: 'script exhausted' } }));
      } else if ('drop' in reply) {
        req.socket.destroy();
      } else if ('hang' in reply) {
        // answer never comes; close() ends the connection
      } else {
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(JSON.stringify(reply.body));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
