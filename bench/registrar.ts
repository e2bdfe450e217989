import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { ha1, hash, parseDigestHeader } from '../test/pbx/sip/digest';
import { barChart, writeChart, writeResult } from './lib/report';
import { round } from './lib/stats';

/**
 * The test PBX's registrar under load, the PBX in its own process: registrations per second (digest
 * auth, one challenge each) and the most concurrently registered WebSocket clients with < 1 % errors,
 * with the PBX's memory per registered client.
 */
const PORT = Number(process.env['BENCH_PBX_PORT'] ?? 5290);
const REALM = 'tollgate.test';
const EXTENSIONS = [
  ['201', 'demo-pass-201'],
  ['202', 'demo-pass-202'],
  ['203', 'demo-pass-203'],
  ['204', 'demo-pass-204'],
] as const;

function startPbx() {
  const data = mkdtempSync(join(tmpdir(), 'tollgate-bench-reg-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/pbx/main.ts', '--port', String(PORT), '--data', data, '--quiet'],
    {
      stdio: 'ignore',
    },
  );
  return child;
}

async function waitHealthy() {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/api/v1/health`)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('PBX did not start');
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** One client: connect, REGISTER, answer the challenge; resolves true when registered. */
async function register(index: number, keepOpen: WebSocket[]): Promise<boolean> {
  const [extension, password] = EXTENSIONS[index % EXTENSIONS.length] ?? EXTENSIONS[0];
  const socket = new WebSocket(`ws://127.0.0.1:${PORT}/ws`, 'sip');
  try {
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const contact = `sip:c${index}@c${index}.invalid;transport=ws`;
    const send = (cseq: number, authorization?: string) =>
      socket.send(
        [
          `REGISTER sip:${REALM} SIP/2.0`,
          `Via: SIP/2.0/WS c${index}.invalid;branch=z9hG4bK${index}x${cseq}`,
          'Max-Forwards: 70',
          `From: <sip:${extension}@${REALM}>;tag=t${index}`,
          `To: <sip:${extension}@${REALM}>`,
          `Call-ID: reg-${index}`,
          `CSeq: ${cseq} REGISTER`,
          `Contact: <${contact}>;expires=600`,
          ...(authorization ? [`Authorization: ${authorization}`] : []),
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );
    const next = () =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timeout')), 10_000);
        socket.once('message', (data) => {
          clearTimeout(timer);
          resolve(data.toString());
        });
      });
    send(1);
    const challenge = await next();
    const header =
      challenge.split('\r\n').find((line) => line.startsWith('WWW-Authenticate:') && line.includes('MD5')) ??
      '';
    const nonce = parseDigestHeader(header.slice(header.indexOf(':') + 1))?.['nonce'] ?? '';
    const uri = `sip:${REALM}`;
    const response = hash(
      'MD5',
      `${ha1('MD5', extension, REALM, password)}:${nonce}:00000001:c${index}:auth:${hash('MD5', `REGISTER:${uri}`)}`,
    );
    send(
      2,
      `Digest username="${extension}", realm="${REALM}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c${index}"`,
    );
    const ok = (await next()).startsWith('SIP/2.0 200');
    keepOpen.push(socket);
    return ok;
  } catch {
    socket.terminate();
    return false;
  }
}

export async function benchRegistrar() {
  const pbx = startPbx();
  try {
    await waitHealthy();
    const pid = pbx.pid ?? 0;
    const baseline = rssMiB(pid);

    // Throughput: 64 clients at a time, each a new connection and registration, for 5 seconds.
    const sockets: WebSocket[] = [];
    let done = 0;
    let failed = 0;
    const until = Date.now() + 5_000;
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (Date.now() < until) {
          const ok = await register(100_000 + next++, sockets);
          if (ok) done++;
          else failed++;
          sockets.pop()?.close();
        }
      }),
    );
    const perSecond = round(done / 5);
    console.log(`  registrations/s: ${perSecond} (failed ${failed})`);

    // Concurrency: hold ever more registered sockets open.
    const held: WebSocket[] = [];
    const steps: { clients: number; errorRate: number; rssMiB: number }[] = [];
    let registered = 0;
    for (const target of [250, 500, 1000, 2000, 4000, 8000]) {
      let errors = 0;
      const batch = target - registered;
      for (let start = 0; start < batch; start += 100) {
        const results = await Promise.all(
          Array.from({ length: Math.min(100, batch - start) }, (_, index) =>
            register(registered + start + index, held),
          ),
        );
        errors += results.filter((ok) => !ok).length;
      }
      registered = target;
      const errorRate = errors / batch;
      steps.push({ clients: target, errorRate: round(errorRate * 100, 2), rssMiB: round(rssMiB(pid)) });
      console.log(
        `  ${target} registered clients: ${round(errorRate * 100, 2)} % errors, PBX RSS ${round(rssMiB(pid))} MiB`,
      );
      if (errorRate >= 0.01) break;
    }
    const good = steps.filter((step) => step.errorRate < 1).at(-1);
    const result = {
      registrationsPerSecond: perSecond,
      failedDuringThroughput: failed,
      concurrency: steps,
      mostClientsUnder1PercentErrors: good?.clients ?? 0,
      memoryPerClientKiB: good ? round(((good.rssMiB - baseline) * 1024) / good.clients, 1) : null,
      baselineRssMiB: round(baseline),
    };
    for (const socket of held) socket.terminate();
    writeResult('registrar', result);
    const chart = writeChart(
      'registrar-concurrency',
      barChart(
        'PBX RSS with registered WebSocket clients',
        steps.map((step) => ({ label: `${step.clients} clients`, value: step.rssMiB })),
        'MiB',
      ),
    );
    return { result, chart };
  } finally {
    pbx.kill();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify((await benchRegistrar()).result, null, 2));
  process.exit(0);
}
