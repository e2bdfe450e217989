import { z } from 'zod';
import type { HostHandlers } from '../ipc/contract';
import { UnlockCodeSchema } from '../policy/unlock-code';
import { AccountSchema } from '../settings/schema';

/**
 * A one-time account hand-over at start (`npm start` with the embedded demo PBX, or an admin's
 * provisioning): applied only when no account is set up yet, so it never overwrites a user's own.
 * The demo part (PIN, numbers to try) is shown in a banner and kept in memory only.
 */
export const DemoInfoSchema = z.object({
  extension: z.string(),
  /** The demo extension's unlock code, when it has IVR authentication. */
  pin: UnlockCodeSchema.nullable(),
  tryNumbers: z
    .array(
      z.object({ number: z.string(), kind: z.enum(['extension', 'voicemail', 'echo', 'paid', 'toll-free']) }),
    )
    .max(6),
});
export type DemoInfo = z.output<typeof DemoInfoSchema>;

export const ProvisioningSchema = z.object({
  account: AccountSchema,
  password: z.string().min(1).max(128),
  demo: DemoInfoSchema.optional(),
});
export type Provisioning = z.output<typeof ProvisioningSchema>;

export function parseProvisioning(text: string | null | undefined): Provisioning | null {
  if (!text) return null;
  try {
    const parsed = ProvisioningSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Saves the provisioned account when none is set up. Returns the demo info if the demo account is in use. */
export async function applyProvisioning(
  handlers: HostHandlers,
  provisioning: Provisioning | null,
): Promise<DemoInfo | null> {
  if (!provisioning) return null;
  const { settings } = await handlers.getSettings(undefined);
  if (settings.account === null) {
    await handlers.saveAccount({ account: provisioning.account, password: provisioning.password });
    return provisioning.demo ?? null;
  }
  const same =
    settings.account.sipWebSocketUrl === provisioning.account.sipWebSocketUrl &&
    settings.account.extension === provisioning.account.extension;
  return same ? (provisioning.demo ?? null) : null;
}

/** base64url of UTF-8 JSON, for a URL query parameter. */
export function encodeProvisioning(provisioning: Provisioning): string {
  const bytes = new TextEncoder().encode(JSON.stringify(provisioning));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeProvisioning(encoded: string | null): Provisioning | null {
  if (!encoded) return null;
  try {
    const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    return parseProvisioning(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}
