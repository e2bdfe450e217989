import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { ha1, hash, parseDigestHeader } from '../test/pbx/sip/digest';
import { profiling, summariseProfile, waitForProfile, type CpuProfile } from './lib/profile';
import { writeResult } from './lib/report';
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

/**
 * How kamailio runs: the memory flags here, workers and connection limits in bench/kamailio/kamailio.cfg
 * (read back from it, so the docs say what ran).
 */
const KAMAILIO_CONFIG = (() => {
  const config = readFileSync('bench/kamailio/kamailio.cfg', 'utf8');
  const setting = (name: string) => Number(new RegExp(`^${name}=(\\d+)`, 'm').exec(config)?.[1] ?? NaN);
  return {
    sharedMemoryMiB: 2048,
    privateMemoryMiB: 32,
    children: setting('children'),
    tcpChildren: setting('tcp_children'),
    tcpMaxConnections: setting('tcp_max_connections'),
  };
})();

/** kamailio as configured, or with `tcpChildren` TCP workers instead (a per-worker reference). */
const kamailioWith = (tcpChildren?: number): Registrar => ({
  name:
    tcpChildren === undefined
      ? 'kamailio'
      : `kamailio, ${tcpChildren} TCP worker${tcpChildren === 1 ? '' : 's'}`,
  start(port) {
    const directory = mkdtempSync(join(tmpdir(), 'tollgate-bench-kamailio-'));
    const config = join(directory, 'kamailio.cfg');
    writeFileSync(
      config,
      readFileSync('bench/kamailio/kamailio.cfg', 'utf8')
        .replace('BENCH_PORT', String(port))
        .replace(/^tcp_children=\d+/m, (line) =>
          tcpChildren === undefined ? line : `tcp_children=${tcpChildren}`,
        ),
    );
    const child = spawn(
      'kamailio',
      [
        '-f',
        config,
        '-DD',
        '-E',
        '-w',
        directory,
        '-m',
        String(KAMAILIO_CONFIG.sharedMemoryMiB),
        '-M',
        String(KAMAILIO_CONFIG.privateMemoryMiB),
      ],
      { stdio: 'ignore' },
    );
    return { pid: () => child.pid ?? 0, stop: () => child.kill('SIGTERM') };
  },
});
const kamailio = kamailioWith();
/**
 * The same kamailio with one TCP worker: what one worker (one process, like Tollgate's registrar)
 * does under the same load. A reference only; the ratio is taken against the configured kamailio.
 */
const ONE_WORKER = process.env['BENCH_REG_ONE_WORKER'] !== '0';

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

/**
 * One SIP client over its own WebSocket: REGISTER, answer the challenge (digest MD5, qop=auth), and
 * re-REGISTER over the same connection reusing the nonce with the next nonce count, as RFC 7616
 * allows; a registrar that wants a fresh nonce challenges again and the client answers.
 */
class Client {
  private cseq = 0;
  private nc = 0;
  private nonce = '';
  private qop = false;
  /** Challenges answered (the first registration's included). */
  challenges = 0;

  private waiting: { resolve(text: string): void; reject(error: Error): void } | null = null;

  private constructor(
    private readonly socket: WebSocket,
    private readonly index: number,
  ) {
    socket.on('message', (data) => {
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.resolve(data.toString());
    });
    socket.on('close', () => {
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.reject(new Error('closed'));
    });
  }

  static async connect(port: number, index: number): Promise<Client> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, 'sip');
    try {
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
    } catch (error) {
      socket.terminate();
      throw error;
    }
    socket.on('error', () => {});
    return new Client(socket, index);
  }

  private get extension() {
    return extensionOf(this.index);
  }

  private send(authorization?: string): void {
    const { index, extension } = this;
    this.cseq++;
    this.socket.send(
      [
        `REGISTER sip:${REALM} SIP/2.0`,
        `Via: SIP/2.0/WS c${index}.invalid;branch=z9hG4bK${index}x${this.cseq}`,
        'Max-Forwards: 70',
        `From: <sip:${extension}@${REALM}>;tag=t${index}`,
        `To: <sip:${extension}@${REALM}>`,
        `Call-ID: reg-${index}`,
        `CSeq: ${this.cseq} REGISTER`,
        `Contact: <sip:c${index}@c${index}.invalid;transport=ws>;expires=600`,
        ...(authorization ? [`Authorization: ${authorization}`] : []),
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  }

  private next(): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        reject(new Error('timeout'));
      }, 10_000);
      this.waiting = {
        resolve: (text) => {
          clearTimeout(timer);
          resolve(text);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  }

  private authorization(): string {
    const { extension, index } = this;
    const password = passwordOf(extension);
    const uri = `sip:${REALM}`;
    this.nc++;
    const nc = this.nc.toString(16).padStart(8, '0');
    const ha2 = hash('MD5', `REGISTER:${uri}`);
    const secret = ha1('MD5', extension, REALM, password);
    const digest = this.qop
      ? hash('MD5', `${secret}:${this.nonce}:${nc}:c${index}:auth:${ha2}`)
      : hash('MD5', `${secret}:${this.nonce}:${ha2}`);
    const qop = this.qop ? `, qop=auth, nc=${nc}, cnonce="c${index}"` : '';
    return `Digest username="${extension}", realm="${REALM}", nonce="${this.nonce}", uri="${uri}", response="${digest}", algorithm=MD5${qop}`;
  }

  private takeChallenge(response: string): void {
    const header =
      response
        .split('\r\n')
        .find((line) => /^WWW-Authenticate:/i.test(line) && !/algorithm=SHA-256/i.test(line)) ?? '';
    const params = parseDigestHeader(header.slice(header.indexOf(':') + 1)) ?? {};
    this.nonce = params['nonce'] ?? '';
    this.qop = Boolean(params['qop']);
    this.nc = 0;
    this.challenges++;
  }

  /** REGISTER (with the current nonce if there is one), answering at most one challenge. */
  async register(): Promise<boolean> {
    this.send(this.nonce ? this.authorization() : undefined);
    let response = await this.next();
    if (response.startsWith('SIP/2.0 401')) {
      this.takeChallenge(response);
      this.send(this.authorization());
      response = await this.next();
    }
    return response.startsWith('SIP/2.0 200');
  }

  close(): void {
    this.socket.close();
  }

  terminate(): void {
    this.socket.terminate();
  }
}

/** Connect, challenge, register: true when registered. The client stays open and is returned in `keep`. */
async function connectAndRegister(port: number, index: number, keep?: Client[]): Promise<boolean> {
  let client: Client | null = null;
  try {
    client = await Client.connect(port, index);
    const ok = await client.register();
    if (keep) keep.push(client);
    else client.close();
    return ok;
  } catch {
    client?.terminate();
    return false;
  }
}

/** Completions per window after the warm-up, and the median window. */
function windowsOf(completedAt: readonly number[], startedAt: number) {
  const windows = Array.from({ length: WINDOWS }, (_, index) => {
    const from = startedAt + WARM_UP_MS + index * WINDOW_MS;
    return round(completedAt.filter((at) => at >= from && at < from + WINDOW_MS).length / (WINDOW_MS / 1000));
  });
  const median = [...windows].sort((a, b) => a - b)[Math.floor(WINDOWS / 2)] ?? 0;
  return { windows, median };
}

/**
 * A registrar's windows are stable when every one is within ±STABLE_WITHIN of the median and under
 * 1 % of the attempts failed; only then is its median a figure one may divide by.
 */
const STABLE_WITHIN = 0.25;
/** Share of failed attempts a figure may have (stable windows; the concurrency ramp's last step). */
const ERROR_LIMIT = 0.01;
function stability(windows: readonly number[], median: number, failed: number, completed: number) {
  const reasons: string[] = [];
  if (median <= 0) reasons.push('its median window is 0');
  const outside = windows.filter((value) => Math.abs(value - median) > STABLE_WITHIN * median);
  if (median > 0 && outside.length > 0)
    reasons.push(`windows outside ±${STABLE_WITHIN * 100} % of the median: ${outside.join(', ')}`);
  if (failed > ERROR_LIMIT * Math.max(completed, 1))
    reasons.push(`${failed} of ${failed + completed} attempts failed`);
  return { stable: reasons.length === 0, reasons };
}

const CLIENTS_AT_ONCE = 64;
const WARM_UP_MS = Number(process.env['BENCH_REG_WARM_UP_MS'] ?? 2_000);
const WINDOW_MS = Number(process.env['BENCH_REG_WINDOW_MS'] ?? 3_000);
const WINDOWS = 5;
const MAX_CLIENTS = Number(process.env['BENCH_REG_MAX_CLIENTS'] ?? 16_000);

async function measure(registrar: Registrar, port: number, options: { concurrency?: boolean } = {}) {
  const server = registrar.start(port);
  try {
    await waitReady(port);
    const pid = server.pid();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const baseline = treeRssMiB(pid);

    // New connections: 64 clients at a time, each connects, is challenged, registers, disconnects.
    // After a warm-up, five windows; the median window is the result.
    const completedAt: number[] = [];
    let failed = 0;
    let next = 0;
    let startedAt = Date.now();
    let until = startedAt + WARM_UP_MS + WINDOWS * WINDOW_MS;
    await Promise.all(
      Array.from({ length: CLIENTS_AT_ONCE }, async () => {
        while (Date.now() < until) {
          if (await connectAndRegister(port, 100_000 + next++)) completedAt.push(Date.now());
          else failed++;
        }
      }),
    );
    const connect = windowsOf(completedAt, startedAt);
    console.log(
      `  ${registrar.name}: ${connect.median} connect + challenge + register/s (windows ${connect.windows.join(', ')}; ${failed} failed)`,
    );

    // Re-registrations: 64 clients keep their connection and re-REGISTER one after another.
    const clients: Client[] = [];
    for (let index = 0; index < CLIENTS_AT_ONCE; index++) {
      const client = await Client.connect(port, 200_000 + index).catch(() => null);
      if (client && (await client.register().catch(() => false))) clients.push(client);
      else client?.terminate();
    }
    const reregisteredAt: number[] = [];
    let reregisterFailed = 0;
    const challengesBefore = clients.reduce((sum, client) => sum + client.challenges, 0);
    startedAt = Date.now();
    until = startedAt + WARM_UP_MS + WINDOWS * WINDOW_MS;
    await Promise.all(
      clients.map(async (client) => {
        while (Date.now() < until) {
          if (await client.register().catch(() => false)) reregisteredAt.push(Date.now());
          else {
            reregisterFailed++;
            return;
          }
        }
      }),
    );
    const challenged = clients.reduce((sum, client) => sum + client.challenges, 0) - challengesBefore;
    clients.forEach((client) => client.close());
    const reregister = windowsOf(reregisteredAt, startedAt);
    console.log(
      `  ${registrar.name}: ${reregister.median} re-registrations/s over ${clients.length} open connections (windows ${reregister.windows.join(', ')}; ${challenged} challenged, ${reregisterFailed} failed)`,
    );

    // Concurrency: hold ever more registered connections open.
    const held: Client[] = [];
    const steps: { clients: number; errorRate: number; rssMiB: number }[] = [];
    let registered = 0;
    const targets = options.concurrency === false ? [] : [250, 500, 1000, 2000, 4000, 8000, 12_000, 16_000];
    for (const target of targets.filter((n) => n <= MAX_CLIENTS)) {
      let errors = 0;
      const batch = target - registered;
      for (let start = 0; start < batch; start += 100) {
        const results = await Promise.all(
          Array.from({ length: Math.min(100, batch - start) }, (_, index) =>
            connectAndRegister(port, registered + start + index, held),
          ),
        );
        errors += results.filter((ok) => !ok).length;
      }
      registered = target;
      const errorRate = errors / batch;
      steps.push({ clients: target, errorRate: round(errorRate * 100, 2), rssMiB: round(treeRssMiB(pid)) });
      console.log(
        `  ${registrar.name}: ${target} clients, ${round(errorRate * 100, 2)} % errors, PSS ${round(treeRssMiB(pid))} MiB`,
      );
      if (errorRate >= ERROR_LIMIT) break;
    }
    for (const client of held) client.terminate();
    const good = steps.filter((step) => step.errorRate < 1).at(-1);
    return {
      name: registrar.name,
      connectRegister: {
        perSecond: connect.median,
        windows: connect.windows,
        failed,
        ...stability(connect.windows, connect.median, failed, completedAt.length),
      },
      reregister: {
        perSecond: reregister.median,
        windows: reregister.windows,
        connections: clients.length,
        challenged,
        failed: reregisterFailed,
        ...stability(reregister.windows, reregister.median, reregisterFailed, reregisteredAt.length),
      },
      concurrency: steps,
      concurrencyRampEndsAt: Math.min(MAX_CLIENTS, 16_000),
      mostClientsUnder1PercentErrors: good?.clients ?? 0,
      memoryPerClientKiB: good ? round(((good.rssMiB - baseline) * 1024) / good.clients, 1) : null,
      baselineRssMiB: round(baseline),
    };
  } finally {
    server.stop();
  }
}

/**
 * Both registrars in the same run, one after the other, with the same load. The ratio is median
 * window to median window, and only when both registrars' windows were stable; otherwise it is not
 * given and `ratioWithheld` says why.
 */
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
  if (profile) await writeResult('profile-registrar', summariseProfile(profile));
  const reference = kamailioInstalled() ? await measure(kamailio, 5291) : null;
  const oneWorker =
    reference && ONE_WORKER ? await measure(kamailioWith(1), 5292, { concurrency: false }) : null;
  if (!reference)
    console.log(
      '  kamailio is not installed (apt-get install kamailio kamailio-websocket-modules): no reference.',
    );
  const ratioOf = (kind: 'connectRegister' | 'reregister') => {
    if (!reference) return { ratio: null, withheld: ['kamailio is not installed'] };
    const withheld = [
      ...ours[kind].reasons.map((reason) => `Tollgate: ${reason}`),
      ...reference[kind].reasons.map((reason) => `kamailio: ${reason}`),
    ];
    return {
      ratio: withheld.length === 0 ? round(ours[kind].perSecond / reference[kind].perSecond, 2) : null,
      withheld,
    };
  };
  const result = {
    method: {
      clientsAtOnce: CLIENTS_AT_ONCE,
      warmUpMs: WARM_UP_MS,
      windowMs: WINDOW_MS,
      windows: WINDOWS,
      stableWithinPercent: STABLE_WITHIN * 100,
      errorLimitPercent: ERROR_LIMIT * 100,
      extensions: EXTENSION_COUNT,
    },
    kamailioConfig: KAMAILIO_CONFIG,
    tollgate: ours,
    kamailio: reference,
    /** kamailio with one TCP worker (no concurrency ramp): a per-worker reference, not the target. */
    kamailioOneWorker: oneWorker,
    ratio: {
      connectRegister: ratioOf('connectRegister'),
      reregister: ratioOf('reregister'),
      memoryPerClient:
        reference && ours.memoryPerClientKiB && reference.memoryPerClientKiB
          ? round(ours.memoryPerClientKiB / reference.memoryPerClientKiB, 2)
          : null,
    },
  };
  await writeResult('registrar', result);
  return { result };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify((await benchRegistrar()).result, null, 2));
  process.exit(0);
}
