import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DialPlanSchema } from '../../../shared/dial-plan/dial-plan';
import { PIN_SCOPES } from '../../../shared/policy/requires-pin';
import { CodeLabelSchema, UnlockCodeSchema } from '../../../shared/policy/unlock-code';

/** The seed file: a provider's products and one demo company. Passwords here are demo values. */
export const SeedSchema = z.object({
  provider: z.object({ username: z.string().min(1), password: z.string().min(8) }),
  products: z.array(
    z.object({
      id: z.string().min(1),
      name: z.string(),
      kind: z.enum(['main', 'add-on']),
      pinProtection: z.boolean(),
    }),
  ),
  company: z.object({
    id: z.string().min(1),
    name: z.string(),
    dialPlan: DialPlanSchema,
    /** Which paid calls need the PIN unless an extension says otherwise (default: all-paid). */
    defaultPinScope: z.enum(PIN_SCOPES).optional(),
    admins: z.array(z.object({ username: z.string().min(1), password: z.string().min(8) })),
    extensions: z.array(
      z.object({
        number: z.string().regex(/^[0-9]{2,8}$/),
        displayName: z.string(),
        language: z.enum(['de', 'en']),
        password: z.string().min(8),
        products: z.array(z.string()).min(1),
        ivrAuthentication: z.boolean(),
        /** The code labelled "Standard" (the single code of before issue #14). */
        unlockCode: UnlockCodeSchema.optional(),
        /** Personal codes besides it (issue #14): each person's own, with a label. */
        codes: z.array(z.object({ label: CodeLabelSchema, code: UnlockCodeSchema })).optional(),
        pinScope: z.enum(PIN_SCOPES).optional(),
      }),
    ),
  }),
});
export type Seed = z.output<typeof SeedSchema>;

export const DEFAULT_SEED_PATH = new URL('../seed/demo-company.json', import.meta.url);

export function loadSeed(path: string | URL = DEFAULT_SEED_PATH): Seed {
  return SeedSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}
