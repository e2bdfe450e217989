import { z } from 'zod';
import { ExtensionCallSettingsSchema, type ExtensionCallSettings } from '../../../shared/policy/policy';

/** The admin side of the PBX API (Anrufeinstellungen). The token lives in memory for this session only. */
export const ExtensionSettingsSchema = ExtensionCallSettingsSchema;
export type ExtensionSettings = ExtensionCallSettings;

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
    patch: { ivrAuthentication?: boolean; unlockCode?: string },
  ): Promise<AdminResult<ExtensionSettings>> {
    return this.parsed(
      ExtensionSettingsSchema,
      await this.request('PATCH', `/admin/extensions/${encodeURIComponent(extension)}/call-settings`, patch),
    );
  }

  async unlock(extension: string): Promise<AdminResult<ExtensionSettings>> {
    return this.parsed(
      ExtensionSettingsSchema,
      await this.request('POST', `/admin/extensions/${encodeURIComponent(extension)}/unlock`),
    );
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
  const body = (await response.json().catch(() => null)) as { error?: { code?: unknown } } | null;
  if (!response.ok) {
    const code = typeof body?.error?.code === 'string' ? body.error.code : `http-${response.status}`;
    return { ok: false, code };
  }
  return { ok: true, value: body };
}
