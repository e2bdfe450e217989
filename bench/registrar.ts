import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { ha1, hash, parseDigestHeader } from '../test/pbx/sip/digest';
import { profiling, summariseProfile, waitForProfile, type CpuProfile } from './lib/profile';
import { barChart, writeChart, writeResult } from './lib/report';
import { round } from './lib/stats';
import { loadSeed } from '../test/pbx/store/seed';

/**
 * Registrars under load, each in its own process: registrations per second (digest auth, one
 * challenge each) and the most concurrently registered WebSocket clients with < 1 % errors, with
 * memory per registered client — the Tollgate test PBX and, side by side in the same run with the
 * same load, Debian's kamailio as the reference.
 */
const REALM = 'tollgate.test';
/**
 * One extension per client, as on a real PBX (a phone or two per extension): 10000–29999, each with
 * the password `demo-pass-<extension>` that kamailio's config derives from the From user.
 */
const EXTENSION_COUNT = 20_000;
const extensionOf = (index: number) => String(10_000 + (index % EXTENSION_COUNT));
const passwordOf = (extension: string) => `demo-pass-${extension}`;

/** The demo company with the benchmark's extensions instead of the four demo ones. */
function benchSeed(directory: string): string {
  const seed = loadSeed();
  const path = join(directory, 'bench-seed.json');
  const extensions = Array.from({ length: EXTENSION_COUNT }, (_, index) => {
    const number = extensionOf(index);
    return {
      number,
      displayName: `Bench ${number}`,
      language: 'de' as const,
      password: passwordOf(number),
      products: ['cloudpbx-basic'],
      ivrAuthentication: false,
    };
  });
  writeFileSync(
    path,
    JSON.stringify({
      ...seed,
      company: {
        ...seed.company,
        dialPlan: { ...seed.company.dialPlan, internalRanges: [{ from: '10000', to: '29999' }] },
        extensions,
      },
    }),
  );
  return path;
}

interface RegistrarProcess {
  pid(): number;
  stop(): void;
  /** With TOLLGATE_BENCH_PROFILE set: the CPU profile written when the process stopped. */
  profile?(): Promise<CpuProfile | null>;
}
interface Registrar {
  name: string;
  start(port: number): RegistrarProcess;
}

const tollgate: Registrar = {
  name: 'Tollgate test PBX',
  start(port) {
    const data = mkdtempSync(join(tmpdir(), 'tollgate-bench-reg-'));
    const profileDirectory = profiling() ? mkdtempSync(join(tmpdir(), 'tollgate-bench-profile-')) : null;
    const child = spawn(
      process.execPath,
      [
        ...(profileDirectory ? ['--cpu-prof', `--cpu-prof-dir=${profileDirectory}`] : []),
        '--import',
        'tsx',
        'test/pbx/main.ts',
        '--port',
        String(port),
        '--data',
        data,
        '--seed',
        benchSeed(data),
        '--quiet',
      ],
      { stdio: 'ignore' },
    );
    return {
      pid: () => child.pid ?? 0,
      stop: () => child.kill(),
      ...(profileDirectory ? { profile: () => waitForProfile(profileDirectory) } : {}),
    };
  },
};

const kamailio: Registrar = {
  name: 'kamailio',
  start(port) {
    const directory = mkdtempSync(join(tmpdir(), 'tollgate-bench-kamailio-'));
    const config = join(directory, 'kamailio.cfg');
    writeFileSync(
      config,
      readFileSync('bench/kamailio/kamailio.cfg', 'utf8').replace('BENCH_PORT', String(port)),
    );
    const child = spawn('kamailio', ['-f', config, '-DD', '-E', '-w', directory, '-m', '256'], {
      stdio: 'ignore',
    });
    return { pid: () => child.pid ?? 0, stop: () => child.kill('SIGTERM') };
  },
};

function kamailioInstalled(): boolean {
  try {
    execFileSync('kamailio', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Resolves once the registrar accepts SIP over WebSocket. */
async function waitReady(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const ready = await new Promise<boolean>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, 'sip');
      socket.once('open', () => {
        socket.close();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Nothing answers on port ${port}`);
}

/**
 * Proportional set size: shared pages are divided among the processes sharing them, so summing it
 * over kamailio's forked workers does not count its shared memory once per worker.
 */
function rssMiB(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Memory (PSS) of a process and its children (kamailio forks its workers). */
function treeRssMiB(pid: number): number {
  let total = rssMiB(pid);
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    for (const child of children) total += treeRssMiB(Number(child));
  } catch {
    // a single process
  }
  return total;
}

/** One client: connect, REGISTER, answer the challenge; true when registered. Keeps the socket open. */
async function register(port: number, index: number, keepOpen: WebSocket[]): Promise<boolean> {
  const extension = extensionOf(index);
  const password = passwordOf(extension);
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, 'sip');
  try {
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
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
          `Contact: <sip:c${index}@c${index}.invalid;transport=ws>;expires=600`,
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
      challenge
        .split('\r\n')
        .find((line) => /^WWW-Authenticate:/i.test(line) && !/algorithm=SHA-256/i.test(line)) ?? '';
    const params = parseDigestHeader(header.slice(header.indexOf(':') + 1)) ?? {};
    const nonce = params['nonce'] ?? '';
    const uri = `sip:${REALM}`;
    const qop = params['qop'] ? ', qop=auth, nc=00000001, cnonce="c' + index + '"' : '';
    const digest = params['qop']
      ? hash(
          'MD5',
          `${ha1('MD5', extension, REALM, password)}:${nonce}:00000001:c${index}:auth:${hash('MD5', `REGISTER:${uri}`)}`,
        )
      : hash('MD5', `${ha1('MD5', extension, REALM, password)}:${nonce}:${hash('MD5', `REGISTER:${uri}`)}`);
    send(
      2,
      `Digest username="${extension}", realm="${REALM}", nonce="${nonce}", uri="${uri}", response="${digest}", algorithm=MD5${qop}`,
    );
    const ok = (await next()).startsWith('SIP/2.0 200');
    keepOpen.push(socket);
    return ok;
  } catch {
    socket.terminate();
    return false;
  }
}

async function measure(registrar: Registrar, port: number) {
  const server = registrar.start(port);
  try {
    await waitReady(port);
    const pid = server.pid();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const baseline = treeRssMiB(pid);

    // Throughput: 64 clients at a time, each a new connection and registration. After a 2 s warm-up,
    // five 3 s windows; the median window is the result (the load generator shares the two cores).
    const WARM_UP_MS = 2_000;
    const WINDOW_MS = 3_000;
    const WINDOWS = 5;
    const completedAt: number[] = [];
    let failed = 0;
    let next = 0;
    const startedAt = Date.now();
    const until = startedAt + WARM_UP_MS + WINDOWS * WINDOW_MS;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (Date.now() < until) {
          const sockets: WebSocket[] = [];
          if (await register(port, 100_000 + next++, sockets)) completedAt.push(Date.now());
          else failed++;
          sockets.forEach((socket) => socket.close());
        }
      }),
    );
    const windows = Array.from({ length: WINDOWS }, (_, index) => {
      const from = startedAt + WARM_UP_MS + index * WINDOW_MS;
      return round(
        completedAt.filter((at) => at >= from && at < from + WINDOW_MS).length / (WINDOW_MS / 1000),
      );
    });
    const sorted = [...windows].sort((a, b) => a - b);
    const registrationsPerSecond = sorted[Math.floor(WINDOWS / 2)] ?? 0;
    console.log(
      `  ${registrar.name}: ${registrationsPerSecond} registrations/s (windows ${windows.join(', ')}; ${failed} failed)`,
    );

    // Concurrency: hold ever more registered sockets open.
    const held: WebSocket[] = [];
    const steps: { clients: number; errorRate: number; rssMiB: number }[] = [];
    let registered = 0;
    for (const target of [250, 500, 1000, 2000, 4000, 8000, 12_000, 16_000]) {
      let errors = 0;
      const batch = target - registered;
      for (let start = 0; start < batch; start += 100) {
        const results = await Promise.all(
          Array.from({ length: Math.min(100, batch - start) }, (_, index) =>
            register(port, registered + start + index, held),
          ),
        );
        errors += results.filter((ok) => !ok).length;
      }
      registered = target;
      const errorRate = errors / batch;
      steps.push({ clients: target, errorRate: round(errorRate * 100, 2), rssMiB: round(treeRssMiB(pid)) });
      console.log(
        `  ${registrar.name}: ${target} clients, ${round(errorRate * 100, 2)} % errors, RSS ${round(treeRssMiB(pid))} MiB`,
      );
      if (errorRate >= 0.01) break;
    }
    for (const socket of held) socket.terminate();
    const good = steps.filter((step) => step.errorRate < 1).at(-1);
    return {
      name: registrar.name,
      registrationsPerSecond,
      registrationsPerSecondWindows: windows,
      failedDuringThroughput: failed,
      concurrency: steps,
      mostClientsUnder1PercentErrors: good?.clients ?? 0,
      memoryPerClientKiB: good ? round(((good.rssMiB - baseline) * 1024) / good.clients, 1) : null,
      baselineRssMiB: round(baseline),
    };
  } finally {
    server.stop();
  }
}

/** Both registrars in the same run, one after the other, with the same load; the ratio compares them. */
export async function benchRegistrar() {
  const ourProcess: { current?: RegistrarProcess } = {};
  const ours = await measure(
    {
      ...tollgate,
      start: (port) => (ourProcess.current = tollgate.start(port)),
    },
    5290,
  );
  const profile = await ourProcess.current?.profile?.();
  if (profile) writeResult('profile-registrar', summariseProfile(profile));
  const reference = kamailioInstalled() ? await measure(kamailio, 5291) : null;
  if (!reference)
    console.log(
      '  kamailio is not installed (apt-get install kamailio kamailio-websocket-modules): no reference.',
    );
  // kamailio with this config answers in bursts and stalls in between (see docs/benchmarks.md): its
  // best window is the reference, Tollgate's median is compared with it.
  const referenceBest = reference ? Math.max(...reference.registrationsPerSecondWindows) : 0;
  const result = {
    tollgate: ours,
    kamailio: reference,
    ratio: reference
      ? {
          registrationsPerSecondAgainstBestWindow: round(ours.registrationsPerSecond / referenceBest, 2),
          memoryPerClient:
            ours.memoryPerClientKiB && reference.memoryPerClientKiB
              ? round(ours.memoryPerClientKiB / reference.memoryPerClientKiB, 2)
              : null,
        }
      : null,
  };
  writeResult('registrar', result);
  const chart = writeChart(
    'registrar-throughput',
    barChart(
      'Registrations per second (digest auth, SIP over WebSocket)',
      [
        { label: `${ours.name} (median)`, value: ours.registrationsPerSecond },
        ...(reference ? [{ label: `${reference.name} (best window)`, value: referenceBest }] : []),
      ],
      '/s',
    ),
  );
  return { result, chart };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify((await benchRegistrar()).result, null, 2));
  process.exit(0);
}
