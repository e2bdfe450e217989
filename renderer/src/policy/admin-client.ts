import { z } from 'zod';
import { ExtensionCallSettingsSchema } from '../../../shared/policy/policy';

/**
 * The admin side of the PBX API (Anrufeinstellungen, personal codes, PIN-Nutzung). The token lives in
 * memory for this session only. Every answer is checked with zod; object schemas drop unknown fields,
 * so even a PBX that sent more (a code, a hash) could not carry it into the screen or an export.
 */

/** Which paid calls need the PIN (contract 1 of issue #14); null on an extension: the company's default. */
export const PinScopeSchema = z.enum(['all-paid', 'international', 'international-premium']);
export type PinScope = z.output<typeof PinScopeSchema>;
export const PIN_SCOPES: readonly PinScope[] = PinScopeSchema.options;

/** Ids may be numbers or strings on the wire; the UI keeps them as strings. */
const Id = z.union([z.string().min(1), z.number()]).transform(String);

export const ExtensionSettingsSchema = ExtensionCallSettingsSchema.extend({
  /** The extension's own scope; null: the company default. Absent on PBXs without scopes. */
  pinScope: PinScopeSchema.nullable().optional(),
  /** The scope that applies (own or the company's). */
  effectivePinScope: PinScopeSchema.optional(),
});
export type ExtensionSettings = z.output<typeof ExtensionSettingsSchema>;

/** One personal unlock code as the admin sees it: never the code, never a hash. */
export const PinCodeSchema = z.object({
  id: Id,
  label: z.string(),
  enabled: z.boolean(),
  validFrom: z.string().nullable(),
  validUntil: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type PinCode = z.output<typeof PinCodeSchema>;

export const CompanySettingsSchema = z.object({ defaultPinScope: PinScopeSchema });
export type CompanySettings = z.output<typeof CompanySettingsSchema>;

/** Event kinds of contract 1; a newer PBX may send others (shown under their own name). */
export const PIN_EVENT_KINDS = [
  'wrong-code',
  'timeout',
  'locked',
  'quarantined',
  'unlocked',
  'code-added',
  'code-disabled',
  'code-deleted',
] as const;

export const PinUsageSchema = z.object({
  calls: z.array(
    z.object({
      callId: Id,
      extension: z.string(),
      codeLabel: z.string().nullable(),
      destination: z.string(),
      startedAt: z.string(),
      durationSeconds: z.number().nonnegative(),
      outcome: z.string(),
    }),
  ),
  events: z.array(
    z.object({
      at: z.string(),
      extension: z.string(),
      kind: z.string(),
      by: z.string().nullable(),
      codeLabel: z.string().nullable().optional(),
    }),
  ),
});
export type PinUsage = z.output<typeof PinUsageSchema>;
export type PinUsageCall = PinUsage['calls'][number];
export type PinUsageEvent = PinUsage['events'][number];

/** A new code: the code itself goes to the PBX once and is never read back. */
export interface NewPinCode {
  label: string;
  code: string;
  validFrom?: string | null;
  validUntil?: string | null;
}

export interface PinCodePatch {
  label?: string;
  enabled?: boolean;
  validFrom?: string | null;
  validUntil?: string | null;
}

export type AdminResult<T> = { ok: true; value: T } | { ok: false; code: string };

export class AdminClient {
  private constructor(
    private readonly apiUrl: string,
    private readonly token: string,
    private readonly fetcher: typeof fetch,
  ) {}

  static async signIn(
    apiUrl: string,
    username: string,
    password: string,
    fetcher: typeof fetch,
  ): Promise<AdminResult<AdminClient>> {
    const result = await call(fetcher, `${apiUrl}/admin/session`, {
      method: 'POST',
      body: JSON.stringify({ username, password }),
    });
    if (!result.ok) return result;
    const token = (result.value as { token?: unknown } | null)?.token;
    return typeof token === 'string'
      ? { ok: true, value: new AdminClient(apiUrl, token, fetcher) }
      : { ok: false, code: 'invalid-response' };
  }

  async listExtensions(): Promise<AdminResult<ExtensionSettings[]>> {
    return this.parsed(z.array(ExtensionSettingsSchema), await this.request('GET', '/admin/extensions'));
  }

  async changeCallSettings(
    extension: string,
    patch: { ivrAuthentication?: boolean; unlockCode?: string; pinScope?: PinScope | null },
  ): Promise<AdminResult<ExtensionSettings>> {
    return this.parsed(
      ExtensionSettingsSchema,
      await this.request('PATCH', `${extensionPath(extension)}/call-settings`, patch),
    );
  }

  async unlock(extension: string): Promise<AdminResult<ExtensionSettings>> {
    return this.parsed(
      ExtensionSettingsSchema,
      await this.request('POST', `${extensionPath(extension)}/unlock`),
    );
  }

  async listCodes(extension: string): Promise<AdminResult<PinCode[]>> {
    return this.picked(
      z.object({ codes: z.array(PinCodeSchema) }),
      'codes',
      await this.request('GET', `${extensionPath(extension)}/codes`),
    );
  }

  async addCode(extension: string, code: NewPinCode): Promise<AdminResult<PinCode>> {
    return this.picked(
      z.object({ code: PinCodeSchema }),
      'code',
      await this.request('POST', `${extensionPath(extension)}/codes`, code),
    );
  }

  async changeCode(extension: string, id: string, patch: PinCodePatch): Promise<AdminResult<PinCode>> {
    return this.picked(
      z.object({ code: PinCodeSchema }),
      'code',
      await this.request('PATCH', `${extensionPath(extension)}/codes/${encodeURIComponent(id)}`, patch),
    );
  }

  async deleteCode(extension: string, id: string): Promise<AdminResult<null>> {
    const result = await this.request(
      'DELETE',
      `${extensionPath(extension)}/codes/${encodeURIComponent(id)}`,
    );
    return result.ok ? { ok: true, value: null } : result;
  }

  async company(): Promise<AdminResult<CompanySettings>> {
    return this.parsed(CompanySettingsSchema, await this.request('GET', '/admin/company'));
  }

  async changeCompany(patch: { defaultPinScope: PinScope }): Promise<AdminResult<CompanySettings>> {
    return this.parsed(CompanySettingsSchema, await this.request('PATCH', '/admin/company', patch));
  }

  /** Paid calls and PIN events of the last `days` days (one extension or all of the company). */
  async pinUsage(query: { days: number; extension?: string }): Promise<AdminResult<PinUsage>> {
    const params = new URLSearchParams({ days: String(query.days) });
    if (query.extension) params.set('extension', query.extension);
    return this.parsed(PinUsageSchema, await this.request('GET', `/admin/pin-usage?${params.toString()}`));
  }

  private request(method: string, path: string, body?: unknown): Promise<AdminResult<unknown>> {
    return call(this.fetcher, `${this.apiUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}` },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  }

  private parsed<T extends z.ZodType>(schema: T, result: AdminResult<unknown>): AdminResult<z.output<T>> {
    if (!result.ok) return result;
    const parsed = schema.safeParse(result.value);
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, code: 'invalid-response' };
  }

  private picked<S extends z.ZodObject, K extends keyof z.output<S>>(
    schema: S,
    key: K,
    result: AdminResult<unknown>,
  ): AdminResult<z.output<S>[K]> {
    const parsed = this.parsed(schema, result);
    return parsed.ok ? { ok: true, value: (parsed.value as z.output<S>)[key] } : parsed;
  }
}

function extensionPath(extension: string): string {
  return `/admin/extensions/${encodeURIComponent(extension)}`;
}

async function call(fetcher: typeof fetch, url: string, init: RequestInit): Promise<AdminResult<unknown>> {
  let response: Response;
  try {
    response = await fetcher(url, {
      ...init,
      headers: {
        'Content-Type': 'application/json',
        ...(init.headers as Record<string, string> | undefined),
      },
    });
  } catch {
    return { ok: false, code: 'network' };
  }
  if (response.status === 204) return { ok: true, value: null };
  const body = (await response.json().catch(() => null)) as { error?: { code?: unknown } } | null;
  if (!response.ok) {
    const code = typeof body?.error?.code === 'string' ? body.error.code : `http-${response.status}`;
    return { ok: false, code };
  }
  return { ok: true, value: body };
}
