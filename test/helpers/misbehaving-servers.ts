import { createServer, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface MisbehavingServer {
  url: string;
  /** How many requests it has been sent. */
  requests(): number;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 whose every answer is produced by `answer`; close() ends it all. */
async function serve(answer: (response: ServerResponse, timers: Set<NodeJS.Timeout>) => void) {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let requests = 0;
  const server = createServer((_request, response) => {
    requests++;
    answer(response, timers);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    async close() {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  } satisfies MisbehavingServer;
}

/** Answers 200 at once, then sends its JSON body one byte every `everyMs`, forever (it starts over). */
export function startTricklingServer(everyMs = 100): Promise<MisbehavingServer> {
  const text = '{"status": "active", "service": "trickle"}';
  return serve((response, timers) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    let at = 0;
    const timer = setInterval(() => {
      if (response.destroyed) return clearInterval(timer);
      response.write(text[at++ % text.length]);
    }, everyMs);
    timers.add(timer);
  });
}

/**
 * Answers 200 with a chunked body that never ends: 64 KiB chunks as fast as the reader takes them, or
 * `totalBytes` and then the end.
 */
export function startEndlessBodyServer(totalBytes = Number.POSITIVE_INFINITY): Promise<MisbehavingServer> {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  return serve((response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    let sent = 0;
    const pump = () => {
      while (!response.destroyed && sent < totalBytes) {
        const piece = chunk.subarray(0, Math.min(chunk.length, totalBytes - sent));
        sent += piece.length;
        if (!response.write(piece)) return void response.once('drain', pump);
      }
      if (!response.destroyed) response.end();
    };
    response.on('error', () => {});
    pump();
  });
}
