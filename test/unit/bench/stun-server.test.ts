import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { bindingResponse, mappedAddressOf, StunServer } from '../../../bench/lib/stun-server';

/** A Binding request as a browser sends it: type 1, no attributes, magic cookie, 12-byte transaction ID. */
function bindingRequest(transaction = randomBytes(12)): Buffer {
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0);
  request.writeUInt32BE(0x2112a442, 4);
  transaction.copy(request, 8);
  return request;
}

let server: StunServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('benchmark STUN server', () => {
  it('answers a Binding request with the configured mapped address, the source port and the same transaction', async () => {
    // Breaks when the XOR encoding or the transaction ID is wrong: Chromium would drop the answer
    // and the benchmark "with STUN" would measure the gathering timeout instead.
    server = await StunServer.start({ mappedAddress: '192.0.2.7' });
    const client = createSocket('udp4');
    await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', () => resolve()));
    const request = bindingRequest();
    const answer = new Promise<Buffer>((resolve) => client.once('message', (message) => resolve(message)));
    client.send(request, server.port, '127.0.0.1');
    const response = await answer;
    const clientPort = client.address().port;
    client.close();
    expect(response.subarray(8, 20)).toEqual(request.subarray(8, 20));
    expect(mappedAddressOf(response)).toEqual({ address: '192.0.2.7', port: clientPort });
    expect(server.requests).toBe(1);
  });

  it('answers nothing to anything but a Binding request', () => {
    expect(bindingResponse(Buffer.from('hello'), '127.0.0.1', 1)).toBeNull();
    const notBinding = bindingRequest();
    notBinding.writeUInt16BE(0x0003, 0);
    expect(bindingResponse(notBinding, '127.0.0.1', 1)).toBeNull();
    const response = bindingResponse(bindingRequest(), '10.1.2.3', 40000);
    expect(response && mappedAddressOf(response)).toEqual({
      address: '10.1.2.3',
      port: 40000,
    });
  });
});
