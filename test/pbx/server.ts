import { EventEmitter } from 'node:events';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { HttpApi } from './api/http-api';
import type { PromptStyle } from './calls/call-context';
import { DEFAULT_LOCKOUT_RULES, storeGateRules, type LockoutRules } from './ivr/lockout';
import { DEFAULT_PIN_RULES, type PinEntryRules } from './ivr/pin-entry';
import { PinGate, type PinCheckCapacity } from './ivr/pin-gate';
import { createLog, type PbxLog } from './log';
import { PromptLibrary } from './media/prompts';
import { PstnFarEnd } from './pstn/far-end';
import { InviteRouter } from './routing/invite-router';
import { AuthThrottle, DEFAULT_THROTTLE_RULES } from './sip/auth-throttle';
import { DigestAuthenticator } from './sip/digest';
import { Registrar } from './sip/registrar';
import { SipService, type SipTimers } from './sip/sip-service';
import { PbxDatabase } from './store/database';
import { loadSeed } from './store/seed';
import { attachSipWebSocket } from './transport/websocket';

export interface PbxOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  databasePath: string;
  seedPath?: string | URL;
  realm?: string;
  promptStyle?: PromptStyle;
  pinRules?: Partial<PinEntryRules>;
  /** The PIN gate's budget (see `ivr/lockout.ts` for the defaults and why). */
  lockoutRules?: Partial<LockoutRules>;
  /** Unlock-code checks at once and queued (see `ivr/pin-gate.ts`); beyond that the busy prompt. */
  pinCheckCapacity?: Partial<PinCheckCapacity>;
  /** The pepper for unlock-code and password hashes; by default TOLLGATE_PBX_PEPPER or pepper.key. */
  pepper?: Buffer;
  /** How long the simulated far end rings before it answers. */
  farEndRingMs?: number;
  logFile?: string;
  logToConsole?: boolean;
  /** wss/https with this certificate (PEM paths). */
  tls?: { certFile: string; keyFile: string };
  now?: () => number;
  /** SIP timers (Timer B/F, sweeps); tests shorten them. */
  sipTimers?: Partial<SipTimers>;
  /** How long a digest nonce is accepted (default 5 min). */
  nonceLifetimeMs?: number;
  /** A caller without RTP this long (not on hold) is hung up, so no far-end leg outlives it; default 5 s. */
  mediaTimeoutMs?: number;
}

export interface PbxAddresses {
  sipWebSocketUrl: string;
  apiUrl: string;
  realm: string;
  /** No database file was there: a new one was made and seeded with the demo company. */
  databaseCreated: boolean;
}

/**
 * The test PBX: one HTTP(S) server carrying SIP over WebSocket (`/ws`) and the JSON API (`/api/v1`).
 * Owns everything it starts; stop() closes calls, sockets, the API and the database in that order.
 */
export class PbxServer {
  private server: Server | null = null;
  private webSocket: { close(): Promise<void> } | null = null;
  private closeLog: () => Promise<void> = async () => {};
  private api: HttpApi | null = null;
  private sip: SipService | null = null;
  private database: PbxDatabase | null = null;
  private gate: PinGate | null = null;
  readonly log: PbxLog;
  /**
   * Every log event as a Node event (name = log event, argument = its fields), so tests await what
   * the PBX did instead of sleeping. Fields never include a code or digits (see log.ts).
   */
  readonly events = new EventEmitter();

  constructor(private readonly options: PbxOptions) {
    this.events.setMaxListeners(100);
    const log = createLog({
      ...(options.logFile ? { file: options.logFile } : {}),
      console: options.logToConsole ?? false,
      // 'error' without a listener would throw from emit(); the log line is written anyway.
      onEvent: (event, fields) => {
        if (event !== 'error' || this.events.listenerCount('error') > 0) this.events.emit(event, fields);
      },
    });
    this.closeLog = log.close;
    this.log = log;
  }

  get pinGate(): PinGate {
    if (!this.gate) throw new Error('PBX not started');
    return this.gate;
  }

  get db(): PbxDatabase {
    if (!this.database) throw new Error('PBX not started');
    return this.database;
  }

  get sipService(): SipService {
    if (!this.sip) throw new Error('PBX not started');
    return this.sip;
  }

  get farEndCalls() {
    return this.farEnd.calls();
  }

  private farEnd!: PstnFarEnd;

  async start(): Promise<PbxAddresses> {
    const now = this.options.now ?? Date.now;
    const realm = this.options.realm ?? 'tollgate.test';
    const lockoutRules = { ...DEFAULT_LOCKOUT_RULES, ...this.options.lockoutRules };
    const database = new PbxDatabase(this.options.databasePath, realm, {
      gateRules: storeGateRules(lockoutRules),
      ...(this.options.pepper ? { pepper: this.options.pepper } : {}),
    });
    this.database = database;
    try {
      await database.seed(loadSeed(this.options.seedPath));
    } catch (error) {
      database.close();
      this.database = null;
      throw error;
    }

    const registrar = new Registrar();
    // SIP and HTTP sign-in fail separately: neither can throttle the other (nor ever a 112 call).
    const sipThrottle = new AuthThrottle(DEFAULT_THROTTLE_RULES, now);
    const throttle = new AuthThrottle(DEFAULT_THROTTLE_RULES, now);
    this.farEnd = new PstnFarEnd({ ringMs: this.options.farEndRingMs ?? 1_000, now });
    const api = new HttpApi({
      db: database,
      registrar,
      farEnd: this.farEnd,
      throttle,
      sipThrottle,
      log: this.log,
      now,
    });
    this.api = api;
    const pinGate = new PinGate({
      store: database,
      rules: lockoutRules,
      capacity: this.options.pinCheckCapacity ?? {},
      now,
      log: this.log,
      lockChanged: (extension) => api.policyChanged([extension]),
    });
    this.gate = pinGate;
    const authenticator = new DigestAuthenticator({
      realm,
      nonceLifetimeMs: this.options.nonceLifetimeMs ?? 5 * 60_000,
      now,
      ha1For: (username, algorithm) => database.ha1For(username, algorithm),
    });
    const prompts = new PromptLibrary();
    const farEnd = this.farEnd;
    const log = this.log;
    this.sip = new SipService({
      isKnownUser: (username) => database.findExtension(username) !== null,
      // Routing sits above SIP: the SIP service hands it INVITEs and it starts the applications.
      invites: (sip) =>
        new InviteRouter(database, log, sip, {
          registrar,
          db: database,
          farEnd,
          prompts,
          promptStyle: this.options.promptStyle ?? 'answer-first',
          pinRules: { ...DEFAULT_PIN_RULES, ...this.options.pinRules },
          pinGate,
          domain: realm,
          now,
          log,
          ...(this.options.mediaTimeoutMs ? { mediaTimeoutMs: this.options.mediaTimeoutMs } : {}),
        }),
      authenticator,
      throttle: sipThrottle,
      registrar,
      log,
      now,
      domain: realm,
      ...(this.options.sipTimers ? { timers: this.options.sipTimers } : {}),
    });
    const sip = this.sip;

    const handler = (request: Parameters<HttpApi['handle']>[0], response: Parameters<HttpApi['handle']>[1]) =>
      void api.handle(request, response);
    const server = this.options.tls
      ? createHttpsServer(
          { cert: readFileSync(this.options.tls.certFile), key: readFileSync(this.options.tls.keyFile) },
          handler,
        )
      : createHttpServer(handler);
    this.server = server;
    this.webSocket = attachSipWebSocket(server, '/ws', {
      onMessage: (connection, text) => sip.receive(connection, text),
      onClose: (connection) => sip.connectionClosed(connection),
    });
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const secure = Boolean(this.options.tls);
    const addresses = {
      sipWebSocketUrl: `${secure ? 'wss' : 'ws'}://${host}:${port}/ws`,
      apiUrl: `${secure ? 'https' : 'http'}://${host}:${port}/api/v1`,
      realm,
      databaseCreated: database.created,
    };
    this.log('pbx-started', { ...addresses, promptStyle: this.options.promptStyle ?? 'answer-first' });
    return addresses;
  }

  async stop(): Promise<void> {
    this.sip?.terminateAll();
    this.sip?.close();
    // Codes typed by calls that just ended are still decided and counted before the store closes.
    await this.gate?.drain();
    await this.webSocket?.close();
    this.api?.close();
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
    this.database?.close();
    this.server = null;
    this.database = null;
    this.gate = null;
    await this.closeLog();
  }
}
