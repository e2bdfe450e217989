import { createSocket, type Socket } from 'node:dgram';

/**
 * A minimal STUN server for the softphone benchmark (RFC 8489 Binding only, no authentication), so
 * a call can be measured with an ICE server configured, on a machine without network access.
 *
 * Everything here is on one machine, so the address a request comes from is the phone's own host
 * address; Chromium drops a server-reflexive candidate equal to a host candidate. `mappedAddress`
 * answers with another address instead (as a NAT would), so the offer carries a real srflx
 * candidate and the phone waits for it as it would in an office behind NAT. The PBX then checks
 * that candidate too and fails on it; the host candidate connects.
 *
 * `silent: true` answers nothing: a configured STUN server that a firewall swallows.
 */
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const MAGIC_COOKIE = 0x2112a442;
const XOR_MAPPED_ADDRESS = 0x0020;
const HEADER_BYTES = 20;

export interface StunServerOptions {
  /** The IPv4 address reported back (default: the request's own source address). */
  mappedAddress?: string;
  /** Answer nothing at all. */
  silent?: boolean;
}

export class StunServer {
  /** Binding requests received (answered or not). */
  requests = 0;

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
  ) {}

  static async start(options: StunServerOptions = {}): Promise<StunServer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve());
    });
    const server = new StunServer(socket, socket.address().port);
    socket.on('message', (message, from) => {
      const response = bindingResponse(message, options.mappedAddress ?? from.address, from.port);
      if (!response) return;
      server.requests++;
      if (!options.silent) socket.send(response, from.port, from.address);
    });
    return server;
  }

  /** The URL for the phone's ICE server setting. */
  get url(): string {
    return `stun:127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** The Binding success response to a Binding request, or null for anything else. */
export function bindingResponse(request: Buffer, address: string, port: number): Buffer | null {
  if (request.length < HEADER_BYTES) return null;
  if (request.readUInt16BE(0) !== BINDING_REQUEST || request.readUInt32BE(4) !== MAGIC_COOKIE) return null;
  const octets = address.split('.').map(Number);
  if (octets.length !== 4 || octets.some((octet) => !Number.isInteger(octet) || octet < 0 || octet > 255))
    return null;
  const response = Buffer.alloc(HEADER_BYTES + 12);
  response.writeUInt16BE(BINDING_SUCCESS, 0);
  response.writeUInt16BE(12, 2); // one attribute: 4 bytes header + 8 bytes value
  response.writeUInt32BE(MAGIC_COOKIE, 4);
  request.copy(response, 8, 8, HEADER_BYTES); // the transaction ID
  response.writeUInt16BE(XOR_MAPPED_ADDRESS, 20);
  response.writeUInt16BE(8, 22);
  response.writeUInt8(0, 24);
  response.writeUInt8(0x01, 25); // IPv4
  response.writeUInt16BE(port ^ (MAGIC_COOKIE >>> 16), 26);
  const ipv4 = octets.reduce((value, octet) => ((value << 8) | octet) >>> 0, 0);
  response.writeUInt32BE((ipv4 ^ MAGIC_COOKIE) >>> 0, 28);
  return response;
}

/** The address and port in a Binding success response (for tests). */
export function mappedAddressOf(response: Buffer): { address: string; port: number } | null {
  if (response.length < HEADER_BYTES + 12 || response.readUInt16BE(0) !== BINDING_SUCCESS) return null;
  if (response.readUInt16BE(20) !== XOR_MAPPED_ADDRESS) return null;
  const port = response.readUInt16BE(26) ^ (MAGIC_COOKIE >>> 16);
  const ipv4 = (response.readUInt32BE(28) ^ MAGIC_COOKIE) >>> 0;
  return { address: [24, 16, 8, 0].map((shift) => (ipv4 >>> shift) & 0xff).join('.'), port };
}
