/** German strings: the reference set. en.ts must have exactly the same keys (checked by type and test). */
export const de = {
  app: {
    title: 'Tollgate',
    tabsLabel: 'Bereiche',
    languageLabel: 'Sprache',
    languageSystem: 'Systemsprache',
    languageGerman: 'Deutsch',
    languageEnglish: 'English',
    loading: 'Tollgate wird gestartet …',
    browserHost: 'Im Browser ausgeführt (ohne Electron).',
  },
  tabs: {
    phone: 'Telefon',
    history: 'Verlauf',
    callSettings: 'Anrufeinstellungen',
    account: 'Konto',
  },
  status: {
    label: 'Status',
    registrationNoAccount: 'Kein Konto eingerichtet',
    registrationOffline: 'Nicht mit der Telefonanlage verbunden',
    pinUnknown: 'PIN-Schutz: unbekannt – die Telefonanlage entscheidet',
  },
  phone: {
    heading: 'Telefon',
    numberLabel: 'Rufnummer',
    numberFromLink:
      'Die Nummer {{number}} wurde aus einem Link übernommen. Gewählt wird erst, wenn Sie anrufen.',
    call: 'Anrufen',
    callUnavailable: 'Anrufen ist möglich, sobald Tollgate bei der Telefonanlage angemeldet ist.',
    setUpAccountFirst: 'Richten Sie zuerst im Bereich „Konto“ Ihre Durchwahl ein.',
    invalidLink: 'Der geöffnete Link enthielt keine wählbare Rufnummer.',
  },
  history: {
    heading: 'Verlauf',
    empty: 'Noch keine Anrufe.',
  },
  callSettings: {
    heading: 'Anrufeinstellungen',
    noAccount: 'Richten Sie zuerst im Bereich „Konto“ Ihre Durchwahl ein.',
    noPolicy:
      'Die Anrufeinstellungen (IVR-Authentifizierung) werden angezeigt, sobald Tollgate die Richtlinie Ihrer Durchwahl von der Telefonanlage geladen hat.',
  },
  account: {
    heading: 'Konto',
    intro: 'Die Zugangsdaten Ihrer Durchwahl erhalten Sie von der Administration Ihrer Telefonanlage.',
    sipWebSocketUrl: 'SIP-WebSocket-Adresse',
    sipWebSocketUrlHint: 'Zum Beispiel wss://pbx.example.com:8089/ws',
    extension: 'Durchwahl',
    password: 'Passwort',
    passwordKeepHint: 'Leer lassen, um das gespeicherte Passwort zu behalten.',
    displayName: 'Anzeigename',
    advanced: 'Erweitert',
    sipDomain: 'SIP-Domain (optional)',
    sipDomainHint: 'Leer: der Rechnername der WebSocket-Adresse.',
    authUsername: 'Anmeldename (optional)',
    authUsernameHint: 'Leer: die Durchwahl.',
    policyApiUrl: 'Adresse der Richtlinien-API (optional)',
    policyApiUrlHint: 'Leer, wenn Ihre Telefonanlage keine hat. Anrufe funktionieren trotzdem.',
    save: 'Speichern',
    saving: 'Wird gespeichert …',
    saved: 'Konto gespeichert.',
    signOut: 'Konto von diesem Arbeitsplatz entfernen',
    signedOut: 'Das Konto und sein Passwort wurden von diesem Arbeitsplatz entfernt.',
    fixErrors: 'Bitte korrigieren Sie die markierten Felder.',
    secretWeak:
      'Dieses System hat keinen Schlüsselbund. Das Passwort wird nur schwach geschützt gespeichert: Wer Zugriff auf Ihr Benutzerprofil hat, kann es lesen.',
    secretUnavailable:
      'Dieses System kann das Passwort nicht verschlüsselt speichern. Tollgate behält es nur bis zum Beenden; danach müssen Sie es erneut eingeben.',
    passwordSessionOnly: 'Das Passwort gilt nur bis zum Beenden von Tollgate.',
  },
  notices: {
    dismiss: 'Hinweis schließen',
    'settings-corrupt':
      'Ihre Einstellungsdatei war beschädigt und wurde unter {{path}} aufbewahrt. Bitte richten Sie Ihr Konto erneut ein.',
    'settings-from-newer-version':
      'Ihre Einstellungen stammen von einer neueren Tollgate-Version und wurden unter {{path}} aufbewahrt. Aktualisieren Sie Tollgate oder richten Sie das Konto erneut ein.',
    'settings-unwritable':
      'Tollgate kann seine Einstellungen nicht speichern. Prüfen Sie freien Speicherplatz und Schreibrechte; Änderungen gelten bis dahin nur bis zum Beenden.',
  },
  errors: {
    required: 'Dieses Feld ist erforderlich.',
    invalid: 'Dieser Wert ist ungültig.',
    wsUrl:
      'Geben Sie eine Adresse ein, die mit wss:// (oder ws://) beginnt, z. B. wss://pbx.example.com:8089/ws.',
    httpUrl:
      'Geben Sie eine Adresse ein, die mit https:// (oder http://) beginnt, oder lassen Sie das Feld leer.',
    sipDomain: 'Geben Sie einen Rechnernamen wie pbx.example.com ein oder lassen Sie das Feld leer.',
    extension: 'Die Durchwahl besteht aus 2 bis 8 Ziffern.',
    authUsername:
      'Der Anmeldename darf nur Buchstaben, Ziffern und . _ @ + - enthalten (höchstens 64 Zeichen).',
    displayName: 'Der Anzeigename darf höchstens 64 Zeichen lang sein.',
    passwordRequired: 'Geben Sie das Passwort Ihrer Durchwahl ein.',
    passwordTooLong: 'Das Passwort darf höchstens 128 Zeichen lang sein.',
    iceServer: 'Geben Sie eine STUN- oder TURN-Adresse ein (stun:… oder turn:…).',
    'secret-unreadable':
      'Das gespeicherte Passwort konnte nicht entschlüsselt werden, weil sich der Schlüsselbund des Systems geändert hat. Bitte geben Sie es erneut ein.',
    'settings-unwritable':
      'Die Einstellungen konnten nicht gespeichert werden. Prüfen Sie freien Speicherplatz und Schreibrechte und versuchen Sie es erneut.',
    'secret-storage-unavailable': 'Das Passwort kann auf diesem System nicht gespeichert werden.',
    generic:
      'Tollgate hat intern nicht richtig geantwortet. Versuchen Sie es erneut; hilft das nicht, starten Sie Tollgate neu.',
  },
};

type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };
export type Translation = Strings<typeof de>;
