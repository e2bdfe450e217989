import type { IncomingMessage, Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';

/** One phone's WebSocket (subprotocol `sip`). Requests to a phone go back over the socket it registered on. */
export interface SipConnection {
  readonly id: string;
  readonly remoteAddress: string;
  send(text: string): boolean;
  close(): void;
}

export interface SipSocketHandlers {
  onMessage(connection: SipConnection, text: string): void;
  onClose(connection: SipConnection): void;
}

const KEEPALIVE_PING = /^(\r\n)+$/;

/** Accepts SIP over WebSocket on `path` of an HTTP(S) server; answers keep-alives; pings idle sockets. */
export function attachSipWebSocket(
  server: Server,
  path: string,
  handlers: SipSocketHandlers,
  pingIntervalMs = 30_000,
): { close(): Promise<void> } {
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
    maxPayload: 64 * 1024,
  });
  const alive = new WeakMap<WebSocket, boolean>();

  server.on('upgrade', (request: IncomingMessage, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const protocols = (request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((value) => value.trim());
    if (url.pathname !== path || !protocols.includes('sip')) {
      // RFC 7118: a SIP WebSocket must negotiate the `sip` subprotocol.
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });

  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    const connection: SipConnection = {
      id: randomUUID(),
      remoteAddress: request.socket.remoteAddress ?? 'unknown',
      send: (text) => {
        if (ws.readyState !== ws.OPEN) return false;
        ws.send(text);
        return true;
      },
      close: () => ws.close(),
    };
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString();
      // RFC 5626 CRLF keep-alive: a double CRLF is answered with a single one.
      if (KEEPALIVE_PING.test(text)) {
        ws.send('\r\n');
        return;
      }
      handlers.onMessage(connection, text);
    });
    ws.on('close', () => handlers.onClose(connection));
    ws.on('error', () => ws.terminate());
  });

  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, pingIntervalMs);
  pinger.unref();

  return {
    close: () =>
      new Promise((resolve) => {
        clearInterval(pinger);
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
