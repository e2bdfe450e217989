import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ExtensionCallSettings, Policy } from '../../../shared/policy/policy';
import { PIN_SCOPES } from '../../../shared/policy/requires-pin';
import {
  CodeLabelSchema,
  isLongEnoughForPersonalCode,
  MAX_CODES_PER_EXTENSION,
  PERSONAL_CODE_MIN_DIGITS,
  UnlockCodeSchema,
} from '../../../shared/policy/unlock-code';
import { BoundedSlots } from '../crypto/bounded-slots';
import { constantTimeEqual } from '../crypto/constant-time';
import { ha1 } from '../crypto/ha1';
import type { PbxLog } from '../log';
import type { PstnFarEnd } from '../pstn/far-end';
import type { AuthThrottle, ThrottleVerdict } from '../sip/auth-throttle';
import type { Registrar } from '../sip/registrar';
import type { ApiStore } from '../store/ports';
import { directoryFor } from './directory-view';
import { callSettingsView, policyFor } from './policy-view';
import { codeView, pinUsageCsv, pinUsageView } from './pin-usage';

/**
 * The PBX's HTTP API: the extension policy (and its push channel), the admin's Anrufeinstellungen,
 * and the provider's product grants. JSON in and out; every input validated with zod; every error
 * `{ error: { code, message } }` with a stable code.
 */
type TokenKind = 'extension' | 'admin' | 'provider';
interface TokenGrant {
  kind: TokenKind;
  subject: string;
  companyId: string | null;
  expiresAt: number;
}

const TOKEN_LIFETIME_MS = 12 * 60 * 60_000;
const MAX_BODY_BYTES = 16 * 1024;

export const Credentials = {
  extension: z
    .object({ extension: z.string().regex(/^[0-9]{2,8}$/), password: z.string().min(1).max(128) })
    .strict(),
  account: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(128) }).strict(),
};
export const CallSettingsPatch = z
  .object({
    ivrAuthentication: z.boolean().optional(),
    unlockCode: UnlockCodeSchema.optional(),
    /** Which paid calls need the PIN; null: the company's default (issue #14). */
    pinScope: z.enum(PIN_SCOPES).nullable().optional(),
  })
  .strict()
  .refine(
    (patch) =>
      patch.ivrAuthentication !== undefined || patch.unlockCode !== undefined || patch.pinScope !== undefined,
    'Nothing to change.',
  );
/** A validity day: YYYY-MM-DD (UTC, inclusive), or null for none. */
const ValidityDay = z.iso.date().nullable();
/** A new personal unlock code (issue #14); `code` is write-only. */
export const NewCode = z
  .object({
    // Checked one by one below, so each has its own error code (label-invalid, code-invalid).
    label: z.unknown().optional(),
    code: z.unknown().optional(),
    validFrom: ValidityDay.optional(),
    validUntil: ValidityDay.optional(),
  })
  .strict();
export const CodePatch = z
  .object({
    label: z.unknown().optional(),
    enabled: z.boolean().optional(),
    validFrom: ValidityDay.optional(),
    validUntil: ValidityDay.optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'Nothing to change.');
export const CompanyPatch = z.object({ defaultPinScope: z.enum(PIN_SCOPES) }).strict();
/** `?days=` of the PIN-usage view: 1 to 366, 30 when absent. */
const UsageDays = z.coerce.number().int().min(1).max(366);
export const ProductGrant = z.object({ pinProtection: z.boolean() }).strict();

class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** More fields of the error object, for a client that wants more than the code (e.g. `minDigits`). */
    readonly details: Record<string, string | number> = {},
  ) {
    super(message);
  }
}

/**
 * Admin and provider passwords are scrypt hashes: each check holds a libuv thread and a core for a
 * while. At most this many run at once, and this many more wait; beyond that the answer is 503.
 */
export interface SignInCapacity {
  maxConcurrentHashes: number;
  maxQueuedHashes: number;
}
export const DEFAULT_SIGN_IN_CAPACITY: SignInCapacity = { maxConcurrentHashes: 2, maxQueuedHashes: 8 };

export interface HttpApiDeps {
  db: ApiStore;
  registrar: Registrar;
  farEnd: PstnFarEnd;
  /** Failed HTTP sign-ins (token, admin and provider sessions); SIP has its own. */
  throttle: AuthThrottle;
  /** The SIP throttle, shown to admins next to this one. */
  sipThrottle?: AuthThrottle;
  log: PbxLog;
  now: () => number;
  signInCapacity?: SignInCapacity;
}

export class HttpApi {
  private readonly tokens = new Map<string, TokenGrant>();
  private readonly streams = new Map<string, Set<{ response: ServerResponse; lastVersion: string | null }>>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly hashSlots: BoundedSlots;

  constructor(private readonly deps: HttpApiDeps) {
    const capacity = deps.signInCapacity ?? DEFAULT_SIGN_IN_CAPACITY;
    this.hashSlots = new BoundedSlots(capacity.maxConcurrentHashes, capacity.maxQueuedHashes);
    this.heartbeat = setInterval(() => {
      for (const set of this.streams.values())
        for (const stream of set) stream.response.write(': keep-alive\n\n');
    }, 15_000);
    this.heartbeat.unref();
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.deps.throttle.close();
    for (const set of this.streams.values()) for (const stream of set) stream.response.end();
    this.streams.clear();
  }

  /** Push the current policy to every open event stream of these extensions (if it changed). */
  policyChanged(extensions: readonly string[]): void {
    for (const extension of extensions) {
      const policy = policyFor(this.deps.db, extension, this.deps.now());
      for (const stream of this.streams.get(extension) ?? []) this.pushPolicy(stream, policy);
    }
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    setCors(request, response);
    if (request.method === 'OPTIONS') {
      response.writeHead(204).end();
      return;
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    try {
      await this.route(request.method ?? 'GET', url.pathname, request, response);
    } catch (error) {
      if (error instanceof ApiFailure) {
        for (const [name, value] of Object.entries(error.headers)) response.setHeader(name, value);
        return sendError(response, error.status, error.code, error.message, error.details);
      }
      this.deps.log('api-error', {
        path: url.pathname,
        error: error instanceof Error ? error.message : String(error),
      });
      sendError(response, 500, 'internal', 'The PBX could not handle the request.');
    }
  }

  private async route(
    method: string,
    path: string,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const segments = path.split('/').filter(Boolean);
    if (segments[0] !== 'api' || segments[1] !== 'v1')
      throw new ApiFailure(404, 'not-found', 'No such resource.');
    const [resource, id, sub, action, item] = segments.slice(2);

    if (method === 'GET' && resource === 'health') return sendJson(response, 200, { ok: true });
    if (method === 'POST' && resource === 'token' && !id) return this.issueExtensionToken(request, response);
    if (method === 'GET' && resource === 'policy' && !id) return this.getPolicy(request, response);
    if (method === 'GET' && resource === 'policy' && id === 'events')
      return this.openPolicyStream(request, response);
    if (method === 'GET' && resource === 'policy' && id === 'directory' && !sub) {
      const directory = directoryFor(this.deps.db, this.requireToken(request, 'extension').subject);
      if (!directory) throw new ApiFailure(404, 'extension-not-found', 'The extension no longer exists.');
      return sendJson(response, 200, directory);
    }

    if (resource === 'admin') {
      if (method === 'POST' && id === 'session') return this.issueAccountToken(request, response, 'admin');
      const grant = this.requireToken(request, 'admin');
      if (method === 'GET' && id === 'extensions' && !sub)
        return sendJson(response, 200, this.listExtensions(grant));
      if (method === 'GET' && id === 'security' && sub === 'throttles' && !action)
        return sendJson(response, 200, this.throttles(grant));
      if (id === 'extensions' && sub && action === 'call-settings') {
        const extension = this.ownExtension(grant, sub);
        if (method === 'GET') return sendJson(response, 200, this.callSettings(extension));
        if (method === 'PATCH') return this.patchCallSettings(request, response, extension, grant);
      }
      if (method === 'POST' && id === 'extensions' && sub && action === 'unlock') {
        const extension = this.ownExtension(grant, sub);
        this.deps.db.unlock(extension, { admin: grant.subject, at: this.deps.now() });
        this.deps.log('extension-unlocked', { extension, by: grant.subject });
        this.policyChanged([extension]);
        return sendJson(response, 200, this.callSettings(extension));
      }
      if (id === 'extensions' && sub && action === 'codes')
        return this.codesRoute(method, request, response, grant, this.ownExtension(grant, sub), item);
      if (id === 'company' && !sub) {
        if (method === 'GET') return sendJson(response, 200, this.company(grant));
        if (method === 'PATCH') {
          const body = parseInput(CompanyPatch, await readJson(request));
          const companyId = grant.companyId ?? '';
          this.deps.db.setCompanyPinScope(companyId, body.defaultPinScope, this.by(grant));
          this.deps.log('company-pin-scope-changed', { by: grant.subject, scope: body.defaultPinScope });
          this.policyChanged(this.deps.db.listExtensions(companyId).map((record) => record.number));
          return sendJson(response, 200, this.company(grant));
        }
      }
      if (method === 'GET' && (id === 'pin-usage' || id === 'pin-usage.csv') && !sub)
        return this.pinUsage(grant, new URL(request.url ?? '/', 'http://localhost'), response, id);
      if (method === 'GET' && id === 'security' && sub === 'pin-sources' && !action)
        return sendJson(response, 200, this.pinSourceBlocks(grant));
      if (method === 'GET' && id === 'call-records') {
        const numbers = new Set(
          this.deps.db.listExtensions(grant.companyId ?? '').map((record) => record.number),
        );
        return sendJson(
          response,
          200,
          this.deps.db.listCallRecords().filter((record) => numbers.has(record.caller)),
        );
      }
    }

    if (resource === 'provider') {
      if (method === 'POST' && id === 'session') return this.issueAccountToken(request, response, 'provider');
      this.requireToken(request, 'provider');
      if (method === 'GET' && id === 'products' && !sub)
        return sendJson(response, 200, this.deps.db.listProducts());
      if (method === 'PUT' && id === 'products' && sub && !action) {
        const body = parseInput(ProductGrant, await readJson(request));
        const affected = this.deps.db.setProductPinProtection(sub, body.pinProtection);
        if (affected === null) throw new ApiFailure(404, 'product-not-found', `No product ${sub}.`);
        this.policyChanged(affected);
        return sendJson(
          response,
          200,
          this.deps.db.listProducts().find((product) => product.id === sub),
        );
      }
      if (method === 'GET' && id === 'pstn-calls') return sendJson(response, 200, this.deps.farEnd.calls());
    }
    throw new ApiFailure(404, 'not-found', 'No such resource.');
  }

  // — tokens —

  /**
   * Sign-ins check the credentials first, always; a failure counts only then. While the source or
   * the extension is throttled every answer is the same 429, right password or not.
   */
  private async issueExtensionToken(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const source = request.socket.remoteAddress ?? 'unknown';
    const body = parseInput(Credentials.extension, await readJson(request));
    const stored = this.deps.db.ha1For(body.extension, 'MD5');
    const given = ha1('MD5', body.extension, this.deps.db.realm, body.password);
    const valid = stored !== undefined && constantTimeEqual(stored, given);
    const known = stored !== undefined ? body.extension : null;
    const throttled = this.deps.throttle.check(source, known);
    if (!valid) this.deps.throttle.recordFailure(source, known);
    this.refuseThrottled(throttled);
    if (!valid) throw new ApiFailure(401, 'invalid-credentials', 'Extension or password is wrong.');
    this.deps.throttle.recordSuccess(source, body.extension);
    const extension = this.deps.db.findExtension(body.extension);
    sendJson(response, 200, this.issue('extension', body.extension, extension?.companyId ?? null));
  }

  /**
   * Admin and provider sign-ins hash the password with scrypt, so unlike the cheap extension check
   * the throttle is asked first: a source or account name already throttled gets its 429 without a
   * hash (the answer is the same 429 a right password gets while throttled, so it tells nothing).
   * Hashes run in a few slots with a short queue (`SignInCapacity`); a flood beyond that gets 503
   * with Retry-After instead of keeping both cores busy. The queue is first come, first served, so
   * a legitimate admin waits behind at most `maxQueuedHashes` checks, or is told to retry.
   */
  private async issueAccountToken(
    request: IncomingMessage,
    response: ServerResponse,
    kind: 'admin' | 'provider',
  ) {
    const source = request.socket.remoteAddress ?? 'unknown';
    const body = parseInput(Credentials.account, await readJson(request));
    // The account's own failure budget. Unknown names count too (no lookup before the hash, which
    // would tell which names exist); each source adds at most `failuresToThrottle` per window before
    // it is refused here, so the table stays small, and admins see only their extensions' entries.
    const account = `${kind}:${body.username}`;
    this.refuseThrottled(this.deps.throttle.check(source, account));
    const checking = this.hashSlots.tryRun(async () => {
      // Throttled while it waited in the queue: refused without a hash too.
      this.refuseThrottled(this.deps.throttle.check(source, account));
      if (kind === 'admin') return this.deps.db.verifyAdmin(body.username, body.password);
      return (await this.deps.db.verifyProvider(body.username, body.password)) ? '' : null;
    });
    if (!checking) {
      this.deps.log('sign-in-busy', { kind, source });
      throw new ApiFailure(503, 'busy', 'The PBX is busy checking other sign-ins. Try again in a moment.', {
        'Retry-After': '1',
      });
    }
    const companyId = await checking;
    if (companyId === null) {
      this.deps.throttle.recordFailure(source, account);
      throw new ApiFailure(401, 'invalid-credentials', 'User name or password is wrong.');
    }
    this.deps.throttle.recordSuccess(source, account);
    this.deps.log(`${kind}-session`, { username: body.username });
    sendJson(response, 200, this.issue(kind, body.username, companyId || null));
  }

  private issue(kind: TokenKind, subject: string, companyId: string | null) {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = this.deps.now() + TOKEN_LIFETIME_MS;
    this.tokens.set(token, { kind, subject, companyId, expiresAt });
    return { token, expiresAt: new Date(expiresAt).toISOString() };
  }

  private refuseThrottled(verdict: ThrottleVerdict): void {
    if (verdict.throttled) {
      throw new ApiFailure(
        429,
        'too-many-attempts',
        'Too many failed sign-ins. Wait a minute, then try again.',
      );
    }
  }

  private requireToken(request: IncomingMessage, kind: TokenKind): TokenGrant {
    const header = request.headers.authorization ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const grant = token ? this.tokens.get(token) : undefined;
    if (!grant || grant.expiresAt <= this.deps.now()) {
      throw new ApiFailure(401, 'unauthenticated', 'Sign in first (the session may have expired).');
    }
    if (grant.kind !== kind) throw new ApiFailure(403, 'forbidden', `This needs ${kind} rights.`);
    return grant;
  }

  // — policy —

  private getPolicy(request: IncomingMessage, response: ServerResponse): void {
    const grant = this.requireToken(request, 'extension');
    const policy = policyFor(this.deps.db, grant.subject, this.deps.now());
    if (!policy) throw new ApiFailure(404, 'extension-not-found', 'The extension no longer exists.');
    const etag = `"${policy.version}"`;
    response.setHeader('ETag', etag);
    response.setHeader('Cache-Control', 'no-cache');
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304).end();
      return;
    }
    sendJson(response, 200, policy);
  }

  private openPolicyStream(request: IncomingMessage, response: ServerResponse): void {
    const grant = this.requireToken(request, 'extension');
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    const stream = { response, lastVersion: null as string | null };
    const set = this.streams.get(grant.subject) ?? new Set();
    set.add(stream);
    this.streams.set(grant.subject, set);
    this.pushPolicy(stream, policyFor(this.deps.db, grant.subject, this.deps.now()));
    request.on('close', () => set.delete(stream));
  }

  private pushPolicy(
    stream: { response: ServerResponse; lastVersion: string | null },
    policy: Policy | null,
  ): void {
    if (!policy || policy.version === stream.lastVersion) return;
    stream.lastVersion = policy.version;
    stream.response.write(`event: policy\ndata: ${JSON.stringify(policy)}\n\n`);
  }

  // — admin —

  /** Who did an admin action, for the audit table. */
  private by(grant: TokenGrant): { admin: string; at: number } {
    return { admin: grant.subject, at: this.deps.now() };
  }

  /** An extension's personal unlock codes (issue #14): list, add, change, delete; never a code or hash out. */
  private async codesRoute(
    method: string,
    request: IncomingMessage,
    response: ServerResponse,
    grant: TokenGrant,
    extension: string,
    item: string | undefined,
  ): Promise<void> {
    const db = this.deps.db;
    if (item === undefined) {
      if (method === 'GET')
        return sendJson(response, 200, { codes: db.listUnlockCodes(extension).map(codeView) });
      if (method === 'POST') {
        const body = parseInput(NewCode, await readJson(request));
        const label = parseField(CodeLabelSchema, body.label, 'label-invalid');
        const code = parseField(UnlockCodeSchema, body.code, 'code-invalid');
        if (!isLongEnoughForPersonalCode(code)) throw codeTooShort();
        const validity = checkValidity(body.validFrom ?? null, body.validUntil ?? null);
        const result = await db.addUnlockCode(extension, { label, code, ...validity }, this.by(grant));
        if (result.kind === 'code-taken') throw codeTaken();
        if (result.kind === 'too-many-codes') throw tooManyCodes();
        this.deps.log('unlock-code-added', { extension, by: grant.subject, codeLabel: label });
        this.policyChanged([extension]);
        return sendJson(response, 201, { code: codeView(result.code) });
      }
      throw new ApiFailure(405, 'method-not-allowed', 'Use GET or POST here.');
    }
    const id = /^[1-9][0-9]{0,15}$/.test(item) ? Number(item) : null;
    const current = id === null ? undefined : db.listUnlockCodes(extension).find((code) => code.id === id);
    if (id === null || !current)
      throw new ApiFailure(404, 'code-not-found', `No unlock code ${item} on extension ${extension}.`);
    if (method === 'PATCH') {
      const body = parseInput(CodePatch, await readJson(request));
      const label =
        body.label === undefined ? undefined : parseField(CodeLabelSchema, body.label, 'label-invalid');
      const validity = checkValidity(
        body.validFrom === undefined ? current.validFrom : body.validFrom,
        body.validUntil === undefined ? current.validUntil : body.validUntil,
      );
      const updated = db.updateUnlockCode(
        extension,
        id,
        {
          ...(label !== undefined ? { label } : {}),
          ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
          ...validity,
        },
        this.by(grant),
      );
      if (!updated)
        throw new ApiFailure(404, 'code-not-found', `No unlock code ${item} on extension ${extension}.`);
      this.deps.log('unlock-code-changed', {
        extension,
        by: grant.subject,
        codeLabel: updated.label,
        enabled: updated.enabled,
      });
      this.policyChanged([extension]);
      return sendJson(response, 200, { code: codeView(updated) });
    }
    if (method === 'DELETE') {
      db.deleteUnlockCode(extension, id, this.by(grant));
      this.deps.log('unlock-code-deleted', { extension, by: grant.subject, codeLabel: current.label });
      this.policyChanged([extension]);
      response.writeHead(204).end();
      return;
    }
    throw new ApiFailure(405, 'method-not-allowed', 'Use PATCH or DELETE here.');
  }

  private company(grant: TokenGrant) {
    return { defaultPinScope: this.deps.db.companyPinScope(grant.companyId ?? '') };
  }

  /** Paid calls and PIN events of the admin's company (or one extension of it), as JSON or CSV. */
  private pinUsage(grant: TokenGrant, url: URL, response: ServerResponse, kind: string): void {
    const daysParam = url.searchParams.get('days');
    const days =
      daysParam === null || daysParam === '' ? 30 : parseField(UsageDays, daysParam, 'invalid-input');
    const only = url.searchParams.get('extension');
    const extensions = only
      ? [this.ownExtension(grant, only)]
      : this.deps.db.listExtensions(grant.companyId ?? '').map((record) => record.number);
    const now = this.deps.now();
    const usage = pinUsageView(this.deps.db.pinUsage(extensions, now - days * 86_400_000));
    if (kind === 'pin-usage') return sendJson(response, 200, usage);
    response.writeHead(200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="pin-usage-${new Date(now).toISOString().slice(0, 10)}.csv"`,
    });
    response.end(pinUsageCsv(usage.calls));
  }

  private ownExtension(grant: TokenGrant, number: string): string {
    const extension = this.deps.db.findExtension(number);
    // Another company's extension is reported exactly like a missing one.
    if (!extension || extension.companyId !== grant.companyId) {
      throw new ApiFailure(404, 'extension-not-found', `No extension ${number} in your company.`);
    }
    return extension.number;
  }

  private callSettings(number: string): ExtensionCallSettings {
    const now = this.deps.now();
    const view = callSettingsView(
      this.deps.db,
      number,
      now,
      (extension) => this.deps.registrar.lookup(extension, now).length > 0,
    );
    if (!view) throw new ApiFailure(404, 'extension-not-found', `No extension ${number}.`);
    return view;
  }

  /** Failed sign-ins that throttle SIP or HTTP, for this admin's extensions (and the addresses that failed on them). */
  private throttles(grant: TokenGrant) {
    const own = new Set(this.deps.db.listExtensions(grant.companyId ?? '').map((record) => record.number));
    const visible = (extension: string) => own.has(extension);
    return {
      sip: this.deps.sipThrottle?.snapshot(visible) ?? null,
      http: this.deps.throttle.snapshot(visible),
    };
  }

  /** Sources the PIN gate blocks now after wrong codes on this admin's extensions. */
  private pinSourceBlocks(grant: TokenGrant) {
    const own = this.deps.db.listExtensions(grant.companyId ?? '').map((record) => record.number);
    return this.deps.db.listSourceBlocks(own, this.deps.now()).map((block) => ({
      source: block.source,
      blockedUntil: new Date(block.blockedUntil).toISOString(),
      wrongCodes: block.wrongCodes,
    }));
  }

  private listExtensions(grant: TokenGrant) {
    return this.deps.db
      .listExtensions(grant.companyId ?? '')
      .map((extension) => this.callSettings(extension.number));
  }

  private async patchCallSettings(
    request: IncomingMessage,
    response: ServerResponse,
    number: string,
    grant: TokenGrant,
  ): Promise<void> {
    const patch = parseInput(CallSettingsPatch, await readJson(request));
    const extension = this.deps.db.findExtension(number);
    if (!extension) throw new ApiFailure(404, 'extension-not-found', `No extension ${number}.`);
    if (patch.ivrAuthentication === true && this.deps.db.pinProtectionProduct(number) === null) {
      throw new ApiFailure(
        409,
        'pin-protection-not-available',
        'PIN protection is not available for the product of this extension. Ask your service provider to make it available.',
      );
    }
    if (
      patch.ivrAuthentication === true &&
      !this.deps.db.hasUsableUnlockCode(number, this.deps.now()) &&
      patch.unlockCode === undefined
    ) {
      throw new ApiFailure(
        422,
        'unlock-code-required',
        'Set an unlock code before switching IVR authentication on.',
      );
    }
    if (patch.unlockCode !== undefined) {
      const set = await this.deps.db.setUnlockCode(number, patch.unlockCode);
      if (set === 'code-taken') throw codeTaken();
      if (set === 'too-many-codes') throw tooManyCodes();
    }
    if (patch.ivrAuthentication !== undefined)
      this.deps.db.setIvrAuthentication(number, patch.ivrAuthentication);
    if (patch.pinScope !== undefined) this.deps.db.setPinScope(number, patch.pinScope, this.by(grant));
    this.deps.log('call-settings-changed', {
      extension: number,
      ivrAuthentication: patch.ivrAuthentication,
      unlockCodeChanged: patch.unlockCode !== undefined,
      pinScope: patch.pinScope,
    });
    this.policyChanged([number]);
    sendJson(response, 200, this.callSettings(number));
  }
}

function codeTaken(): ApiFailure {
  return new ApiFailure(
    409,
    'code-taken',
    'Another unlock code of this extension is the same code. Choose a different code.',
  );
}

/**
 * A personal code shorter than `PERSONAL_CODE_MIN_DIGITS` (issue #14): with several codes on one
 * extension, short ones would let an attacker guess one within a year (docs/security.md).
 */
function codeTooShort(): ApiFailure {
  return new ApiFailure(
    400,
    'code-too-short',
    `A personal unlock code has at least ${PERSONAL_CODE_MIN_DIGITS} digits. Choose a longer code.`,
    {},
    { minDigits: PERSONAL_CODE_MIN_DIGITS },
  );
}

function tooManyCodes(): ApiFailure {
  return new ApiFailure(
    409,
    'too-many-codes',
    `This extension already has ${MAX_CODES_PER_EXTENSION} unlock codes, the most it may hold. Delete a code that is no longer used, then add the new one.`,
    {},
    { maxCodes: MAX_CODES_PER_EXTENSION },
  );
}

/** Reads the label or the code of a request; each has its own error code for the form. */
function parseField<T extends z.ZodType>(schema: T, value: unknown, code: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiFailure(400, code, parsed.error.issues[0]?.message ?? 'invalid');
  return parsed.data;
}

function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new ApiFailure(400, 'invalid-input', `${where}${issue?.message ?? 'invalid input'}`);
  }
  return parsed.data;
}

/** Validity days: from before until (both inclusive, so the same day is fine). */
function checkValidity(validFrom: string | null, validUntil: string | null) {
  if (validFrom !== null && validUntil !== null && validFrom > validUntil)
    throw new ApiFailure(400, 'invalid-input', 'validUntil: the code would expire before it becomes valid.');
  return { validFrom, validUntil };
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiFailure(413, 'body-too-large', 'The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
  } catch {
    throw new ApiFailure(400, 'invalid-json', 'The request body is not JSON.');
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

function sendError(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  details: Record<string, string | number> = {},
): void {
  if (response.headersSent) return void response.end();
  sendJson(response, status, { error: { ...details, code, message } });
}

/** Bearer tokens, no cookies: any origin may call, none gets more than its token allows. */
function setCors(request: IncomingMessage, response: ServerResponse): void {
  response.setHeader('Access-Control-Allow-Origin', request.headers.origin ?? '*');
  response.setHeader('Vary', 'Origin');
  response.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
  response.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, If-None-Match');
  response.setHeader('Access-Control-Expose-Headers', 'ETag');
  response.setHeader('Access-Control-Max-Age', '600');
}
