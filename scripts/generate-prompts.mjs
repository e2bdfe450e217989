// Generates the test PBX's spoken prompts with espeak-ng and converts them to G.711 µ-law 8 kHz WAV
// with sox (resources/prompts/<language>/<name>.wav). The generated files are committed; run this
// again after changing a text: `node scripts/generate-prompts.mjs [name …]` (only these prompts when named,
// so the others' bytes stay as committed).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROMPTS = {
  de: {
    'enter-pin': 'Bitte geben Sie Ihre PIN ein und bestätigen Sie mit der Rautetaste.',
    'wrong-pin': 'Die PIN ist nicht korrekt. Bitte versuchen Sie es erneut.',
    'pin-accepted': 'Danke. Sie werden verbunden.',
    // True whether the attempts were wrong codes or prompts left without a key (timeouts).
    'pin-failed-goodbye': 'Die PIN wurde nicht korrekt eingegeben. Der Anruf wird beendet. Auf Wiederhören.',
    locked:
      'Kostenpflichtige Anrufe sind für diesen Anschluss vorübergehend gesperrt. Bitte wenden Sie sich an Ihre Administration.',
    quarantined:
      'Kostenpflichtige Anrufe sind für diesen Anschluss gesperrt, bis Ihre Administration sie wieder freigibt.',
    'pin-busy':
      'Für diesen Anschluss läuft gerade eine andere PIN-Eingabe. Bitte versuchen Sie es gleich noch einmal.',
    'voicemail-empty': 'Sie haben keine neuen Nachrichten.',
    'echo-test': 'Echotest. Was Sie sagen, hören Sie zurück.',
  },
  en: {
    'enter-pin': 'Please enter your PIN, followed by the hash key.',
    'wrong-pin': 'That PIN is not correct. Please try again.',
    'pin-accepted': 'Thank you. Connecting your call.',
    'pin-failed-goodbye': 'The PIN was not entered correctly. The call will now end. Goodbye.',
    locked: 'Paid calls from this extension are temporarily locked. Please contact your administrator.',
    quarantined: 'Paid calls from this extension are blocked until an administrator unlocks them.',
    'pin-busy': 'Another PIN entry for this extension is in progress. Please try again shortly.',
    'voicemail-empty': 'You have no new messages.',
    'echo-test': 'Echo test. You will hear what you say.',
  },
};

const only = new Set(process.argv.slice(2));
const root = join(import.meta.dirname, '..', 'resources', 'prompts');
const scratch = mkdtempSync(join(tmpdir(), 'tollgate-prompts-'));
try {
  for (const [language, prompts] of Object.entries(PROMPTS)) {
    mkdirSync(join(root, language), { recursive: true });
    for (const [name, text] of Object.entries(prompts)) {
      if (only.size > 0 && !only.has(name)) continue;
      const raw = join(scratch, `${language}-${name}.wav`);
      execFileSync('espeak-ng', ['-v', language, '-s', '150', '-w', raw, text]);
      execFileSync('sox', [raw, '-r', '8000', '-c', '1', '-e', 'u-law', join(root, language, `${name}.wav`)]);
    }
  }
  console.log(`Prompts written to ${root}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
