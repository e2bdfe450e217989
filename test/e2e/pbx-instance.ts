import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startKamailio } from '../kamailio/kamailio-process';

/**
 * A PBX of its own for one Playwright worker, so that the PBX-neutral specs can restart it and no
 * other worker's phone rings: the test PBX (a child process, killed hard on restart like a crash)
 * or Debian's Kamailio (test/kamailio/). Logs and the test PBX's database stay under test-results/
 * so the secrets scan reads them.
 */
export type PbxKind = 'test-pbx' | 'kamailio';

export interface PbxInstance {
  kind: PbxKind;
  sipWebSocketUrl: string;
  /** The policy/admin API (the test PBX only). */
  apiUrl: string | null;
  /** The PBX goes away without a word (no BYE, sockets reset) and comes back on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${what} did not come up within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function startTestPbx(port: number, directory: string): Promise<PbxInstance> {
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  // Only errors: the test PBX's banner lists the demo credentials (its log file, pbx.log, does not).
  const output = createWriteStream(join(directory, 'stderr.log'), { flags: 'a' });
  const apiUrl = `http://127.0.0.1:${port}/api/v1`;
  let child: ChildProcess | null = null;
  const launch = async () => {
    const started = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/pbx/main.ts',
        '--port',
        String(port),
        '--data',
        directory,
        '--quiet',
        '--ring-ms',
        '300',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child = started;
    started.stderr?.pipe(output, { end: false });
    await waitFor(
      async () => {
        try {
          return (await fetch(`${apiUrl}/health`, { signal: AbortSignal.timeout(1_000) })).ok;
        } catch {
          return false;
        }
      },
      'The test PBX',
      started,
    );
  };
  const kill = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };
  await launch();
  return {
    kind: 'test-pbx',
    sipWebSocketUrl: `ws://127.0.0.1:${port}/ws`,
    apiUrl,
    restart: async () => {
      await kill();
      await launch();
    },
    stop: async () => {
      await kill();
      output.end();
    },
  };
}

export async function startPbxInstance(kind: PbxKind, name: string): Promise<PbxInstance> {
  const port = await freePort();
  const directory = join('test-results', 'pbx-instances', `${kind}-${name}`);
  if (kind === 'test-pbx') return startTestPbx(port, directory);
  rmSync(directory, { recursive: true, force: true });
  const kamailio = await startKamailio({ port, logPath: join(directory, 'kamailio.log') });
  return {
    kind,
    sipWebSocketUrl: kamailio.sipWebSocketUrl,
    apiUrl: null,
    restart: () => kamailio.restart(),
    stop: () => kamailio.stop(),
  };
}
