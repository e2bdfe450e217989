/**
 * Anrufeinstellungen for an admin (issue #14): personal codes, the PIN scope, the last unlock and
 * PIN-Nutzung, against a fake admin client (the real one is tested in admin-client.test.ts; the PBX
 * side in test/protocol). What breaks each test is said above it.
 */
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it, vi } from 'vitest';
import type { ExtensionLock } from '../../../shared/policy/policy';
import { ExtensionRow } from '../../../renderer/src/features/call-settings/ExtensionRow';
import { PinCodes } from '../../../renderer/src/features/call-settings/PinCodes';
import { PinUsageView } from '../../../renderer/src/features/call-settings/PinUsageView';
import { createI18n, type UiLanguage } from '../../../renderer/src/i18n';
import { samplePolicy } from '../../support/sample-policy';
import { renderPhone } from './support/call-screen-harness';
import type {
  AdminClient,
  ExtensionSettings,
  PinCode,
  PinUsage,
} from '../../../renderer/src/policy/admin-client';

// The own-settings test renders the whole app: sip.js is the fake one.
vi.mock('sip.js', () => import('./support/fake-sip'));

const SECRET = '48213579';

const NONE: ExtensionLock = {
  kind: 'none',
  until: null,
  since: null,
  reason: null,
  wrongCodesInWindow: 0,
  lockoutsInWindow: 0,
};

function settings(overrides: Partial<ExtensionSettings> = {}): ExtensionSettings {
  return {
    extension: '201',
    displayName: 'Empfang',
    pinProtection: { available: true, product: { id: 'p', name: 'Business', kind: 'main' } },
    ivrAuthentication: true,
    unlockCodeSet: true,
    lockedUntil: null,
    registered: true,
    lock: NONE,
    pinScope: null,
    effectivePinScope: 'all-paid',
    ...overrides,
  };
}

const maria: PinCode = {
  id: '1',
  label: 'Maria',
  enabled: true,
  validFrom: null,
  validUntil: null,
  createdAt: '2026-11-01T08:00:00.000Z',
  lastUsedAt: '2026-11-30T09:15:00.000Z',
};
const tom: PinCode = {
  id: '2',
  label: 'Tom',
  enabled: false,
  validFrom: '2026-01-01',
  validUntil: '2026-06-30',
  createdAt: '2026-01-01T08:00:00.000Z',
  lastUsedAt: null,
};

function fakeClient(codes: PinCode[] = [maria, tom]) {
  const client = {
    listCodes: vi.fn(async () => ({ ok: true as const, value: codes })),
    addCode: vi.fn(async () => ({ ok: true as const, value: maria })),
    changeCode: vi.fn(async () => ({ ok: true as const, value: maria })),
    deleteCode: vi.fn(async () => ({ ok: true as const, value: null })),
    changeCallSettings: vi.fn(async () => ({
      ok: true as const,
      value: settings({ pinScope: 'international' }),
    })),
    unlock: vi.fn(),
  };
  return { client, admin: client as unknown as AdminClient };
}

function wrap(node: React.ReactNode, language: UiLanguage = 'de') {
  return render(<I18nextProvider i18n={createI18n(language)}>{node}</I18nextProvider>);
}

describe('personal codes', () => {
  // Breaks when the list leaves out the label, the state, the validity or the last use.
  it('lists each code with its label, state, validity and last use — never a code', async () => {
    const { admin } = fakeClient();
    wrap(<PinCodes extension="201" client={admin} />);
    const rows = await screen.findAllByTestId('pin-code');
    expect(rows[0]).toHaveTextContent(/Maria aktiv/);
    expect(rows[0]).toHaveTextContent(/unbefristet gültig · zuletzt benutzt/);
    expect(rows[1]).toHaveTextContent(/Tom deaktiviert/);
    expect(rows[1]).toHaveTextContent(/gültig .*2026 bis .*2026 · noch nie benutzt/);
  });

  // Breaks when the code is kept in a field or the DOM after submit, sent unmasked, or the two
  // entries are not compared.
  it('adds a code typed twice into masked fields, and empties them at once', async () => {
    const user = userEvent.setup();
    const { client, admin } = fakeClient();
    const { container } = wrap(<PinCodes extension="201" client={admin} />);
    await screen.findAllByTestId('pin-code');
    const code = screen.getByLabelText('Persönliche PIN');
    const repeat = screen.getByLabelText('Persönliche PIN wiederholen');
    expect(code).toHaveAttribute('type', 'password');
    expect(repeat).toHaveAttribute('type', 'password');

    await user.type(screen.getByLabelText('Name oder Rolle'), 'Lena');
    await user.type(code, SECRET);
    await user.type(repeat, `${SECRET.slice(0, -1)}0`);
    await user.click(screen.getByRole('button', { name: 'PIN hinzufügen' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Die beiden PINs stimmen nicht überein.');
    expect(client.addCode).not.toHaveBeenCalled();
    expect(code).toHaveValue('');
    expect(repeat).toHaveValue('');

    await user.type(code, SECRET);
    await user.type(repeat, SECRET);
    await user.type(screen.getByLabelText('Gültig bis (optional)'), '2026-12-31');
    await user.click(screen.getByRole('button', { name: 'PIN hinzufügen' }));
    expect(client.addCode).toHaveBeenCalledWith('201', {
      label: 'Lena',
      code: SECRET,
      validFrom: null,
      validUntil: '2026-12-31',
    });
    expect(code).toHaveValue('');
    expect(repeat).toHaveValue('');
    expect(await screen.findByRole('status')).toHaveTextContent('PIN hinzugefügt.');
    await waitFor(() => expect(screen.getByLabelText('Name oder Rolle')).toHaveValue(''));
    expect(container.innerHTML).not.toContain(SECRET);
    expect(client.listCodes).toHaveBeenCalledTimes(2);
  });

  // Breaks when the PBX's refusal of a duplicate code is not said in words (or says "saved"), or the
  // label typed is lost with it.
  it('says when the code is already someone else’s on this extension', async () => {
    const user = userEvent.setup();
    const { client, admin } = fakeClient();
    client.addCode.mockResolvedValueOnce({ ok: false, code: 'code-taken' } as never);
    wrap(<PinCodes extension="201" client={admin} />);
    await screen.findAllByTestId('pin-code');
    await user.type(screen.getByLabelText('Name oder Rolle'), 'Lena');
    await user.type(screen.getByLabelText('Persönliche PIN'), SECRET);
    await user.type(screen.getByLabelText('Persönliche PIN wiederholen'), SECRET);
    await user.click(screen.getByRole('button', { name: 'PIN hinzufügen' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Diese PIN hat an dieser Durchwahl schon jemand anderes. Wählen Sie eine andere PIN.',
    );
    // The label stays for the next try; the code fields are empty.
    expect(screen.getByLabelText('Name oder Rolle')).toHaveValue('Lena');
    expect(screen.getByLabelText('Persönliche PIN')).toHaveValue('');
  });

  // Breaks when a too short code or an empty label reach the PBX.
  it('checks the label and the code’s format before sending', async () => {
    const user = userEvent.setup();
    const { client, admin } = fakeClient();
    wrap(<PinCodes extension="201" client={admin} />);
    await screen.findAllByTestId('pin-code');
    await user.type(screen.getByLabelText('Persönliche PIN'), SECRET);
    await user.type(screen.getByLabelText('Persönliche PIN wiederholen'), SECRET);
    await user.click(screen.getByRole('button', { name: 'PIN hinzufügen' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Geben Sie einen Namen oder eine Rolle an');
    await user.type(screen.getByLabelText('Name oder Rolle'), 'Lena');
    await user.type(screen.getByLabelText('Persönliche PIN'), '12');
    await user.type(screen.getByLabelText('Persönliche PIN wiederholen'), '12');
    await user.click(screen.getByRole('button', { name: 'PIN hinzufügen' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Die PIN besteht aus 6 bis 16 Ziffern.');
    expect(client.addCode).not.toHaveBeenCalled();
  });

  // Breaks when disable/enable send the wrong state or delete goes without asking.
  it('disables and enables a code; deleting asks first with the focus on Cancel', async () => {
    const user = userEvent.setup();
    const { client, admin } = fakeClient();
    wrap(<PinCodes extension="201" client={admin} />);
    await user.click(await screen.findByRole('button', { name: 'PIN von Maria deaktivieren' }));
    expect(client.changeCode).toHaveBeenCalledWith('201', '1', { enabled: false });
    await user.click(await screen.findByRole('button', { name: 'PIN von Tom aktivieren' }));
    expect(client.changeCode).toHaveBeenCalledWith('201', '2', { enabled: true });

    await user.click(screen.getByRole('button', { name: 'PIN von Maria löschen' }));
    const question = screen.getByRole('group', { name: 'PIN von Maria wirklich löschen?' });
    expect(within(question).getByRole('button', { name: 'Abbrechen' })).toHaveFocus();
    await user.click(within(question).getByRole('button', { name: 'Abbrechen' }));
    expect(client.deleteCode).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'PIN von Maria löschen' }));
    await user.click(screen.getByRole('button', { name: 'Löschen' }));
    expect(client.deleteCode).toHaveBeenCalledWith('201', '1');
    expect(await screen.findByRole('status')).toHaveTextContent('PIN gelöscht.');
  });

  // Breaks when the validity change sends other days than chosen, cannot clear an end (null), or
  // accepts an end before the start.
  it('changes a code’s validity in place; an empty day clears that end', async () => {
    const user = userEvent.setup();
    const { client, admin } = fakeClient();
    wrap(<PinCodes extension="201" client={admin} />);
    await user.click(await screen.findByRole('button', { name: 'Gültigkeit der PIN von Tom ändern' }));
    const form = screen.getByRole('form', { name: 'Gültigkeit der PIN von Tom ändern' });
    const from = within(form).getByLabelText('Gültig ab (optional)');
    const until = within(form).getByLabelText('Gültig bis (optional)');
    expect(from).toHaveValue('2026-01-01');
    expect(until).toHaveValue('2026-06-30');
    await user.clear(until);
    await user.type(until, '2025-12-31');
    await user.click(within(form).getByRole('button', { name: 'Gültigkeit speichern' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('„Gültig bis“ liegt vor „Gültig ab“.');
    expect(client.changeCode).not.toHaveBeenCalled();
    await user.clear(until);
    await user.click(within(form).getByRole('button', { name: 'Gültigkeit speichern' }));
    expect(client.changeCode).toHaveBeenCalledWith('201', '2', { validFrom: '2026-01-01', validUntil: null });
    expect(await screen.findByRole('status')).toHaveTextContent('Gültigkeit gespeichert.');
    await waitFor(() =>
      expect(screen.queryByRole('form', { name: /Gültigkeit der PIN von Tom/ })).toBeNull(),
    );
  });

  // Breaks when the English strings are missing (keys shown instead).
  it('speaks English too', async () => {
    const { admin } = fakeClient();
    wrap(<PinCodes extension="201" client={admin} />, 'en');
    expect(await screen.findByRole('button', { name: 'Disable the PIN of Maria' })).toBeInTheDocument();
    expect(screen.getByLabelText('Personal PIN')).toHaveAttribute('type', 'password');
    expect(screen.getByLabelText('Repeat personal PIN')).toBeInTheDocument();
  });
});

describe('extension row: scope and last unlock', () => {
  // Breaks when the scope select sends something else than the chosen scope (or null for default).
  it('sets the extension’s PIN scope and goes back to the company default', async () => {
    const user = userEvent.setup();
    const { client, admin } = fakeClient();
    const onChanged = vi.fn();
    wrap(<ExtensionRow entry={settings()} client={admin} onChanged={onChanged} />);
    const select = screen.getByLabelText('PIN verlangen bei');
    expect(screen.getByTestId('pin-scope-201')).toHaveTextContent(
      'Es gilt: allen kostenpflichtigen Anrufen.',
    );
    await user.selectOptions(select, 'nur Auslandsanrufen');
    expect(client.changeCallSettings).toHaveBeenCalledWith('201', { pinScope: 'international' });
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
    await user.selectOptions(select, 'Firmenstandard');
    expect(client.changeCallSettings).toHaveBeenLastCalledWith('201', { pinScope: null });
  });

  // Breaks when a PBX without scopes (no pinScope field) gets a select that cannot work.
  it('shows no scope on a PBX without scopes', () => {
    const { admin } = fakeClient();
    const { pinScope: _scope, effectivePinScope: _effective, ...old } = settings();
    wrap(<ExtensionRow entry={old} client={admin} onChanged={vi.fn()} />);
    expect(screen.queryByLabelText('PIN verlangen bei')).toBeNull();
  });

  // Breaks when the audit trail's unlock (who, when) is not shown with the extension.
  it('says when and by whom the extension was last unlocked', () => {
    const { admin } = fakeClient();
    wrap(
      <ExtensionRow
        entry={settings()}
        client={admin}
        onChanged={vi.fn()}
        lastUnlock={{ at: '2026-11-30T10:00:00.000Z', by: 'chef' }}
      />,
    );
    expect(screen.getByTestId('last-unlock-201')).toHaveTextContent(/^Zuletzt entsperrt am .+ von chef\.$/);
  });
});

const usage: PinUsage = {
  calls: [
    {
      callId: 'a',
      extension: '201',
      codeLabel: 'Maria',
      destination: '+442079460018',
      startedAt: '2026-11-30T09:00:00.000Z',
      durationSeconds: 65,
      outcome: 'answered',
    },
    {
      callId: 'b',
      extension: '201',
      codeLabel: 'Maria',
      destination: '+4930123456',
      startedAt: '2026-11-30T10:00:00.000Z',
      durationSeconds: 10,
      outcome: 'answered',
    },
    {
      callId: 'c',
      extension: '202',
      codeLabel: '=HYPERLINK("x")',
      destination: '+4930123456',
      startedAt: '2026-11-29T10:00:00.000Z',
      durationSeconds: 0,
      outcome: 'not-answered',
    },
  ],
  events: [
    { at: '2026-11-30T08:00:00.000Z', extension: '201', kind: 'wrong-code', by: null },
    { at: '2026-11-30T08:01:00.000Z', extension: '201', kind: 'locked', by: null },
    { at: '2026-11-30T08:30:00.000Z', extension: '201', kind: 'unlocked', by: 'chef' },
    { at: '2026-11-30T08:40:00.000Z', extension: '202', kind: 'code-added', by: 'chef', codeLabel: 'Lena' },
  ],
};

describe('PIN-Nutzung', () => {
  // Breaks when calls are not grouped by the code's label or failures/locks are not counted.
  it('shows paid calls by person, failures and locks, and the admin actions with who made them', () => {
    wrap(<PinUsageView state={{ kind: 'ready', usage }} extensions={['201', '202']} onReload={vi.fn()} />);
    const people = screen.getByTestId('pin-usage-people');
    const maria = within(people).getByRole('row', { name: /Maria/ });
    expect(maria).toHaveTextContent(/Maria\s*2\s*1:15 min/);
    expect(screen.getByTestId('pin-usage-failures')).toHaveTextContent(
      'Falsche oder fehlende PINs: 1 · Sperren: 1',
    );
    expect(screen.getByTestId('pin-usage-audit')).toHaveTextContent(
      /202 · PIN hinzugefügt · Lena · von chef/,
    );
    expect(screen.getByTestId('pin-usage-audit')).toHaveTextContent(/201 · entsperrt · von chef/);
  });

  // Breaks when the extension filter does not narrow calls and events.
  it('narrows to one extension', async () => {
    const user = userEvent.setup();
    wrap(<PinUsageView state={{ kind: 'ready', usage }} extensions={['201', '202']} onReload={vi.fn()} />);
    await user.selectOptions(screen.getByLabelText('Durchwahl'), '202');
    expect(screen.getByTestId('pin-usage-calls')).not.toHaveTextContent('Maria');
    expect(screen.getByTestId('pin-usage-failures')).toHaveTextContent('Sperren: 0');
  });

  // Breaks when the export carries more than the calls' columns (a code a PBX leaked into the JSON
  // would then reach the file) or lets a spreadsheet run a label as a formula.
  it('exports the calls as CSV from the validated calls only', async () => {
    const user = userEvent.setup();
    const save = vi.fn();
    const leaky = {
      ...usage,
      calls: usage.calls.map((call) => ({ ...call, code: SECRET })),
    } as unknown as PinUsage;
    wrap(
      <PinUsageView
        state={{ kind: 'ready', usage: leaky }}
        extensions={['201']}
        onReload={vi.fn()}
        save={save}
      />,
    );
    await user.click(screen.getByRole('button', { name: 'Als CSV exportieren' }));
    const [name, csv] = save.mock.calls[0] as [string, string];
    expect(name).toMatch(/^pin-nutzung-alle-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv.split('\r\n')[0]).toBe(
      'callId,extension,codeLabel,destination,startedAt,durationSeconds,outcome',
    );
    expect(csv).toContain('a,201,Maria,+442079460018,2026-11-30T09:00:00.000Z,65,answered');
    expect(csv).toContain(`c,202,"'=HYPERLINK(""x"")"`);
    expect(csv).not.toContain(SECRET);
  });

  // Breaks when a failed load looks like "no calls".
  it('says when PIN usage could not be loaded', () => {
    wrap(<PinUsageView state={{ kind: 'failed', code: 'network' }} extensions={[]} onReload={vi.fn()} />);
    expect(screen.getByTestId('pin-usage')).toHaveTextContent('PIN-Nutzung konnte nicht geladen werden');
    expect(screen.getByRole('button', { name: 'Als CSV exportieren' })).toBeDisabled();
  });
});

describe('own call settings: the scope', () => {
  // Breaks when the signed-in extension's scope from the policy is not shown.
  it('says which paid calls ask for the PIN', { timeout: 30_000 }, async () => {
    await renderPhone({ ...samplePolicy(), pinScope: 'international' });
    await userEvent.setup().click(screen.getByRole('tab', { name: 'Anrufeinstellungen' }));
    expect(await screen.findByTestId('own-pin-scope')).toHaveTextContent('nur Auslandsanrufen');
  });
});
