import { spawn, type ChildProcess } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Debian's Kamailio as a second PBX for the end-to-end tests: registrar and proxy for SIP over
 * WebSocket (test/kamailio/kamailio.cfg), digest authentication from a db_text user table written
 * here, no policy API, no media. Started on a port of the caller's choosing, restartable on it.
 */
export interface KamailioUser {
  /** The SIP user a phone registers and calls as (an extension number or a name). */
  sipUser: string;
  /** The digest user name; the demo extensions use their number, `alice` a separate one. */
  authUser: string;
  password: string;
}

export interface RunningKamailio {
  port: number;
  sipWebSocketUrl: string;
  /** Stops and starts Kamailio on the same port: registrations are lost, as after a real restart. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
/** Debian installs it in /usr/sbin, which is not on every user's PATH. */
export const KAMAILIO_BINARY =
  process.env['TOLLGATE_KAMAILIO'] ?? (existsSync('/usr/sbin/kamailio') ? '/usr/sbin/kamailio' : 'kamailio');
const CONFIG_TEMPLATE = join(here, 'kamailio.cfg');
const SEED = join(here, '..', 'pbx', 'seed', 'demo-company.json');

/** A SIP user whose digest user name differs from it (issue #11: "any SIP user + auth user"). */
export const NAMED_USER: KamailioUser = {
  sipUser: 'alice',
  authUser: 'alice.auth',
  password: 'kamailio-pass-alice',
};

/** The demo company's extensions with their passwords (as on the test PBX), and {@link NAMED_USER}. */
export function kamailioUsers(seedPath = SEED): KamailioUser[] {
  const seed = JSON.parse(readFileSync(seedPath, 'utf8')) as {
    company: { extensions: { number: string; password: string }[] };
  };
  return [
    ...seed.company.extensions.map(({ number, password }) => ({
      sipUser: number,
      authUser: number,
      password,
    })),
    NAMED_USER,
  ];
}

/** db_text tables for auth_db: `subscriber` (with the extra `sip_user` column) and `version`. */
export function dbTextTables(users: readonly KamailioUser[]): { subscriber: string; version: string } {
  const field = (value: string) => value.replace(/[:\\\n]/g, (character) => `\\${character}`);
  return {
    subscriber: [
      'id(int,auto) username(string) domain(string) password(string) ha1(string,null) ha1b(string,null) sip_user(string)',
      ...users.map(
        (user, index) =>
          `${index + 1}:${field(user.authUser)}:tollgate:${field(user.password)}:::${field(user.sipUser)}`,
      ),
      '',
    ].join('\n'),
    version: ['id(int,auto) table_name(string) table_version(int)', '1:subscriber:7', '2:version:1', ''].join(
      '\n',
    ),
  };
}

async function answersHttp(port: number): Promise<boolean> {
  try {
    // Kamailio's xhttp answers a plain GET with 404 once its TCP workers run.
    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) });
    return response.status === 404;
  } catch {
    return false;
  }
}

/**
 * Starts `kamailio -DD -E` in the foreground with a temporary run directory (configuration, user
 * table); its log goes to `logPath`. Resolves once it answers on the port.
 */
export async function startKamailio(options: {
  port: number;
  logPath: string;
  users?: readonly KamailioUser[];
}): Promise<RunningKamailio> {
  const { port, logPath } = options;
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-kamailio-'));
  const database = join(directory, 'db');
  mkdirSync(database);
  const tables = dbTextTables(options.users ?? kamailioUsers());
  writeFileSync(join(database, 'subscriber'), tables.subscriber, { mode: 0o600 });
  writeFileSync(join(database, 'version'), tables.version);
  const config = join(directory, 'kamailio.cfg');
  writeFileSync(
    config,
    readFileSync(CONFIG_TEMPLATE, 'utf8').replaceAll('TG_PORT', String(port)).replaceAll('TG_DB', database),
  );
  mkdirSync(dirname(logPath), { recursive: true });
  const log = createWriteStream(logPath, { flags: 'a' });
  let child: ChildProcess | null = null;

  const launch = async () => {
    const started = spawn(
      KAMAILIO_BINARY,
      ['-DD', '-E', '-f', config, '-m', '256', '-M', '16', '-Y', directory, '-w', directory],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = started;
    started.stdout?.pipe(log, { end: false });
    started.stderr?.pipe(log, { end: false });
    let exited: number | null = null;
    let failure: string | null = null;
    started.once('exit', (code) => (exited = code ?? -1));
    started.once('error', (error) => {
      failure = `${KAMAILIO_BINARY} could not be started (${error.message}): apt-get install kamailio kamailio-websocket-modules`;
    });
    const deadline = Date.now() + 20_000;
    while (!(await answersHttp(port))) {
      if (failure !== null) throw new Error(failure);
      if (exited !== null) throw new Error(`kamailio exited with ${exited} (log: ${logPath})`);
      if (Date.now() > deadline) throw new Error(`kamailio did not answer on port ${port} (log: ${logPath})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const halt = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
      setTimeout(() => running.kill('SIGKILL'), 5_000).unref();
    });
  };

  await launch();
  return {
    port,
    sipWebSocketUrl: `ws://127.0.0.1:${port}/ws`,
    restart: async () => {
      await halt();
      await launch();
    },
    stop: async () => {
      await halt();
      log.end();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
