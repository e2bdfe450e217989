import { randomUUID } from 'node:crypto';
import type { ElementHandle, Locator, Page } from '@playwright/test';

/**
 * Types passwords, PINs and unlock codes so that no QA artifact shows them. Playwright records the
 * value of `fill`/`type`/`press` in step titles, traces and the HTML report, the arguments of
 * `evaluate`, and the value of every input in a trace's DOM snapshots. So the value travels through an
 * exposed binding (the page asks the test process for it by a random handle; the answer is not
 * traced), is set and submitted inside one page-side call (no snapshot in between), and is cleared
 * before that call returns. `npm run scan:secrets` proves it on every run's traces and report.
 */
const BINDING = '__tollgateQaSecret';
const secrets = new Map<string, string>();
const prepared = new WeakSet<Page>();

async function prepare(page: Page): Promise<void> {
  if (prepared.has(page)) return;
  prepared.add(page);
  await page.exposeBinding(BINDING, (_source, handle: string) => secrets.get(handle) ?? '');
}

/** A handle for the secret, valid until {@link forget}. */
function remember(secret: string): string {
  const handle = randomUUID();
  secrets.set(handle, secret);
  return handle;
}

function forget(handles: readonly string[]): void {
  for (const handle of handles) secrets.delete(handle);
}

async function elementOf(locator: Locator): Promise<ElementHandle<HTMLElement>> {
  await locator.waitFor();
  return (await locator.elementHandle()) as ElementHandle<HTMLElement>;
}

export interface SecretForm {
  fields: { locator: Locator; secret: string }[];
  /** The button that submits the form. */
  submit: Locator;
  /**
   * Whether the app empties the fields itself after a successful submit (or removes them); the
   * page then waits up to 10 s for that. Otherwise the fields are emptied right after the submit.
   */
  appClears?: boolean;
}

/** Fills the secret fields and submits, all in one page-side call. */
export async function typeSecrets(page: Page, form: SecretForm): Promise<void> {
  await prepare(page);
  const handles = form.fields.map((field) => remember(field.secret));
  try {
    const inputs = await Promise.all(form.fields.map((field) => elementOf(field.locator)));
    const button = await elementOf(form.submit);
    await page.evaluate(
      async ({ inputs, handles, button, binding, appClears }) => {
        const ask = (window as unknown as Record<string, (handle: string) => Promise<string>>)[binding];
        const setValue = (input: HTMLInputElement, value: string) => {
          Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(input, value);
          input.dispatchEvent(new Event('input', { bubbles: true }));
        };
        const nextFrame = () =>
          new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
        const fields = inputs as HTMLInputElement[];
        for (const [index, input] of fields.entries())
          setValue(input, (await ask?.(handles[index] ?? '')) ?? '');
        await nextFrame();
        button.click();
        await nextFrame();
        const filled = () => fields.filter((input) => input.isConnected && input.value !== '');
        const deadline = Date.now() + (appClears ? 10_000 : 0);
        while (filled().length > 0 && Date.now() < deadline) await nextFrame();
        for (const input of filled()) setValue(input, '');
      },
      { inputs, handles, button, binding: BINDING, appClears: form.appClears ?? true },
    );
  } finally {
    forget(handles);
  }
}

/**
 * Presses the keys of a secret (a PIN, then `#`) on the in-call keypad, one after another in the
 * page, so that no step title or trace names the digits.
 */
export async function pressSecretKeys(page: Page, keypad: Locator, keys: string): Promise<void> {
  await prepare(page);
  const [handle] = [remember(keys)];
  try {
    const element = await elementOf(keypad);
    await page.evaluate(
      async ({ element, handle, binding }) => {
        const ask = (window as unknown as Record<string, (handle: string) => Promise<string>>)[binding];
        const sequence = (await ask?.(handle)) ?? '';
        const buttons = [...element.querySelectorAll('button')];
        const nameOf = (button: HTMLButtonElement) =>
          (button.getAttribute('aria-label') ?? button.textContent ?? '').trim();
        for (const key of sequence) {
          const button = buttons.find((candidate) =>
            key === '#' || key === '*' ? nameOf(candidate).includes(`(${key})`) : nameOf(candidate) === key,
          );
          if (!button) throw new Error('A key of the sequence is not on the keypad.');
          button.click();
          // Typing cadence, as a person would: the app queues tones that come faster.
          await new Promise((resolve) => setTimeout(resolve, 150));
        }
      },
      { element, handle, binding: BINDING },
    );
  } finally {
    forget([handle]);
  }
}
