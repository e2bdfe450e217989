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
  demo: {
    label: 'Demo',
    title: 'Demo:',
    signedInAs: 'Sie sind an der eingebauten Test-Telefonanlage als Durchwahl {{extension}} angemeldet.',
    pin: 'Demo-PIN für kostenpflichtige Anrufe: {{pin}}',
    try: 'Probieren Sie:',
    kinds: {
      extension: 'andere Durchwahl',
      voicemail: 'Mailbox',
      echo: 'Echotest',
      paid: 'kostenpflichtig, mit PIN',
      'toll-free': 'gebührenfrei',
    },
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
    registrationConnecting: 'Verbindung zur Telefonanlage wird hergestellt …',
    registrationRegistered: 'Angemeldet als {{extension}}',
    registrationCredentials:
      'Anmeldung abgelehnt: Durchwahl oder Passwort stimmen nicht. Prüfen Sie die Angaben im Bereich „Konto“.',
    registrationThrottled:
      'Zu viele fehlgeschlagene Anmeldungen. Warten Sie eine Minute; Tollgate versucht es dann erneut.',
    registrationServer:
      'Die Telefonanlage hat die Anmeldung abgewiesen. Versuchen Sie es später erneut oder wenden Sie sich an die Administration.',
    registrationRetrying: 'Keine Verbindung zur Telefonanlage. Neuer Versuch in {{seconds}} s …',
    pinNotAvailable: 'PIN-Schutz: nicht verfügbar – fragen Sie Ihren Dienstanbieter',
    pinAvailable: 'PIN-Schutz: verfügbar, für diese Durchwahl nicht aktiv',
    pinActive: 'PIN-Schutz: aktiv – kostenpflichtige Anrufe verlangen Ihre PIN',
    pinLocked: 'Kostenpflichtige Anrufe gesperrt bis {{time}}',
    pinQuarantined: 'Kostenpflichtige Anrufe gesperrt – nur die Administration kann entsperren',
    policyStale: '(Stand {{time}}, die Telefonanlage ist gerade nicht erreichbar)',
    policyStaleServer:
      '(Stand {{time}}: die Telefonanlage liefert gerade keine gültigen Einstellungen. Die PIN-Abfrage macht sie trotzdem; hält es an, informieren Sie die Administration.)',
    policyStaleCredentials:
      '(Stand {{time}}: die Telefonanlage gibt die Einstellungen mit diesen Anmeldedaten nicht heraus. Prüfen Sie sie im Bereich „Konto“.)',
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
    keyStar: 'Stern (*)',
    keyHash: 'Raute (#)',
    dialPad: 'Wähltastatur',
    deleteDigit: 'Letzte Ziffer löschen',
    classInternal: 'Interner Anruf',
    classIvrApp: 'Dienst der Telefonanlage (z. B. Mailbox) – ohne PIN',
    classEmergency: 'Notruf – immer ohne PIN',
    classTollFree: 'Gebührenfreie Nummer – ohne PIN',
    classExternal: 'Externer, kostenpflichtiger Anruf',
    classInvalid: 'Diese Nummer kann nicht gewählt werden.',
    pinRequired: 'PIN erforderlich',
    pinRequiredHint:
      'Die Telefonanlage fragt nach Ihrer PIN. Geben Sie sie auf der Tastatur ein und bestätigen Sie mit #.',
    paidLocked: 'Kostenpflichtige Anrufe gesperrt',
    lockedUntilHint:
      'bis {{time}} nach zu vielen falschen PINs. Danach geht es wieder; die Administration kann die Sperre früher aufheben.',
    quarantinedHint: 'nach wiederholt falschen PINs. Nur die Administration kann die Sperre aufheben.',
    callbackConfirm: 'Rückruf aus dem Verlauf: Prüfen Sie die Nummer und wählen Sie dann „Anrufen“.',
    pin: {
      headlinePbx: 'Mit der Telefonanlage verbunden',
      headlineRinging: 'Es klingelt bei {{number}} …',
      headlineConnected: 'Verbunden mit {{number}}',
      prompt: 'Geben Sie Ihre PIN ein und bestätigen Sie mit # oder Enter.',
      promptPossible: 'Fragt die Telefonanlage nach einer PIN: eingeben und mit # oder Enter bestätigen.',
      entering: 'Bestätigen Sie die PIN mit # oder Enter.',
      nextAttempt: 'Versuch {{attempt}}: Geben Sie die PIN erneut ein und bestätigen Sie mit #.',
      checking: 'Die PIN wird geprüft …',
      checkingNoSignals:
        'PIN gesendet. Stimmt sie, verbindet die Telefonanlage Sie mit {{number}}: Sie hören Freizeichen oder Ihr Gegenüber. Sonst fragt die Ansage erneut. Diese Telefonanlage meldet das Ergebnis nicht.',
      wrongCode:
        'Falsche PIN – Versuch {{attempt}} von {{max}}. Geben Sie die PIN erneut ein und bestätigen Sie mit #.',
      wrongCodeNoMax:
        'Falsche PIN – Versuch {{attempt}}. Geben Sie die PIN erneut ein und bestätigen Sie mit #.',
      accepted: 'PIN angenommen. Sie werden mit {{number}} verbunden …',
      locked: 'Kostenpflichtige Anrufe sind gesperrt; die Telefonanlage beendet den Anruf.',
      failed: 'Die PIN wurde zu oft falsch eingegeben; die Telefonanlage beendet den Anruf.',
      busy: 'Auf dieser Durchwahl wird gerade schon eine PIN eingegeben. Versuchen Sie es gleich noch einmal.',
      attemptOf:
        'Versuch {{attempt}} von {{max}}: Geben Sie Ihre PIN ein und bestätigen Sie mit # oder Enter.',
    },
    phaseConnecting: 'Verbindung wird aufgebaut …',
    phaseRinging: 'Es klingelt …',
    phaseEarlyMedia: 'Ansage der Telefonanlage',
    phaseIncoming: 'Eingehender Anruf',
    phaseActive: 'Verbunden',
    phaseOnHold: 'Gehalten',
    phaseHeldByRemote: 'Vom Gesprächspartner gehalten',
    hangUp: 'Auflegen',
    accept: 'Annehmen',
    decline: 'Ablehnen',
    mute: 'Stumm',
    unmute: 'Stumm aus',
    hold: 'Halten',
    resume: 'Fortsetzen',
    keypad: 'Tastatur',
    hideKeypad: 'Tastatur ausblenden',
    keypadLabel: 'Tastatur im Gespräch',
    digitsEntered_one: '{{count}} Ziffer eingegeben',
    digitsEntered_other: '{{count}} Ziffern eingegeben',
    keysEcho: 'Gesendet: {{keys}}',
    dtmfFailed: 'Die Taste konnte nicht gesendet werden: Dieses Gespräch überträgt keine Tastentöne.',
    callWith: 'Gespräch mit {{who}}',
    incomingFrom: 'Anruf von {{who}}',
    notificationIncoming: 'Eingehender Anruf von {{who}}',
    outcome: {
      completed: 'Das Gespräch ist beendet.',
      cancelled: 'Der Anruf wurde abgebrochen.',
      declined: 'Der Anruf wurde abgelehnt.',
      missed: 'Verpasster Anruf.',
      'answered-elsewhere': 'An anderem Gerät angenommen.',
      busy: 'Besetzt. Versuchen Sie es später erneut.',
      unavailable: 'Der Teilnehmer ist nicht erreichbar. Versuchen Sie es später erneut.',
      'not-found': 'Diese Nummer gibt es nicht. Prüfen Sie die Eingabe.',
      'incomplete-number': 'Die Nummer ist unvollständig. Prüfen Sie die Eingabe.',
      forbidden: 'Die Telefonanlage erlaubt diesen Anruf nicht. Wenden Sie sich an die Administration.',
      'pin-failed':
        'Die PIN wurde zu oft falsch eingegeben; die Telefonanlage hat den Anruf beendet. Prüfen Sie Ihre PIN (die Administration kann sie neu festlegen) und rufen Sie dann erneut an – weitere Fehlversuche sperren kostenpflichtige Anrufe.',
      pinFailedLocked:
        'Die PIN wurde zu oft falsch eingegeben. Kostenpflichtige Anrufe von dieser Durchwahl sind jetzt bis {{time}} gesperrt; die Administration kann die Sperre früher aufheben.',
      lockedUntil:
        'Kostenpflichtige Anrufe von dieser Durchwahl sind bis {{time}} gesperrt (zu viele falsche PINs). Die Administration kann die Sperre früher aufheben.',
      quarantined:
        'Kostenpflichtige Anrufe von dieser Durchwahl sind nach wiederholt falschen PINs gesperrt. Nur die Administration kann die Sperre aufheben.',
      locked:
        'Kostenpflichtige Anrufe von dieser Durchwahl sind nach zu vielen falschen PINs gesperrt. Bitten Sie die Administration, die Sperre aufzuheben.',
      'no-media': 'Die Sprachverbindung kam nicht zustande. Versuchen Sie es erneut.',
      'microphone-missing':
        'Kein Mikrofon gefunden. Schließen Sie ein Mikrofon an und wählen Sie es im Bereich „Konto“ aus.',
      'microphone-denied':
        'Tollgate darf das Mikrofon nicht verwenden. Erlauben Sie den Zugriff in den System- oder Browsereinstellungen.',
      'pbx-error': 'Die Telefonanlage hat einen Fehler gemeldet. Versuchen Sie es erneut.',
      network:
        'Verbindung verloren: Die Sprachverbindung ist abgebrochen, deshalb hat Tollgate das Gespräch beendet.',
    },
  },
  history: {
    heading: 'Verlauf',
    empty: 'Noch keine Anrufe.',
    outgoing: 'Ausgehend',
    incoming: 'Eingehend',
    duration: '{{minutes}}:{{seconds}} min',
    callBack: '{{who}} anrufen',
    noTalkTime: 'keine Gesprächszeit',
    outcome: {
      completed: 'beendet',
      cancelled: 'abgebrochen',
      declined: 'abgelehnt',
      missed: 'verpasst',
      'answered-elsewhere': 'an anderem Gerät angenommen',
      busy: 'besetzt',
      unavailable: 'nicht erreichbar',
      'not-found': 'Nummer unbekannt',
      'incomplete-number': 'Nummer unvollständig',
      forbidden: 'nicht erlaubt',
      'pin-failed': 'PIN falsch',
      locked: 'gesperrt',
      'no-media': 'keine Sprachverbindung',
      'microphone-missing': 'kein Mikrofon',
      'microphone-denied': 'Mikrofon nicht erlaubt',
      'pbx-error': 'Fehler der Telefonanlage',
      network: 'Verbindung verloren',
    },
    pin: {
      requested: 'PIN abgefragt',
      accepted: 'PIN angenommen',
      unknown: 'PIN-Ergebnis unbekannt',
      failed: 'PIN zu oft falsch',
      locked: 'wegen PIN-Sperre abgewiesen',
    },
  },
  callSettings: {
    heading: 'Anrufeinstellungen',
    noAccount: 'Richten Sie zuerst im Bereich „Konto“ Ihre Durchwahl ein.',
    noPolicy:
      'Die Anrufeinstellungen (IVR-Authentifizierung) werden angezeigt, sobald Tollgate die Richtlinie Ihrer Durchwahl von der Telefonanlage geladen hat.',
    noApi:
      'Ihre Telefonanlage bietet keine Richtlinien-API. Ob eine PIN verlangt wird, entscheidet die Telefonanlage beim Anruf.',
    loading: 'Die Richtlinie wird geladen …',
    unavailable:
      'Die Richtlinie konnte nicht geladen werden. Tollgate versucht es weiter; Anrufe funktionieren trotzdem.',
    ownHeading: 'Ihre Durchwahl {{extension}}',
    ivrAuthentication: 'IVR-Authentifizierung',
    on: 'An',
    off: 'Aus',
    productAllows: 'Ihr Produkt „{{product}}“ enthält PIN-Schutz.',
    productDoesNotAllow:
      'PIN-Schutz ist für Ihr Produkt nicht verfügbar. Fragen Sie Ihren Dienstanbieter, ob er ihn freischalten kann.',
    unlockCodeSet: 'Eine PIN ist festgelegt.',
    unlockCodeNotSet: 'Es ist keine PIN festgelegt.',
    lockedUntil: 'Kostenpflichtige Anrufe sind bis {{time}} gesperrt.',
    ownQuarantined:
      'Kostenpflichtige Anrufe sind seit {{time}} in Quarantäne (wiederholt falsche PINs). Nur die Administration kann sie entsperren.',
    readOnly: 'Nur die Administration kann diese Einstellungen ändern.',
    adminHeading: 'Verwaltung (Durchwahlen)',
    adminIntro:
      'Mit Administrationsrechten können Sie die Anrufeinstellungen aller Durchwahlen ändern. Die Anmeldung gilt nur bis zum Beenden von Tollgate.',
    adminUsername: 'Benutzername (Administration)',
    adminPassword: 'Passwort (Administration)',
    adminSignIn: 'Anmelden',
    adminSignOut: 'Abmelden',
    extension: 'Durchwahl',
    registered: 'angemeldet',
    notRegistered: 'nicht angemeldet',
    newUnlockCode: 'Neue PIN',
    repeatUnlockCode: 'PIN wiederholen',
    setUnlockCode: 'PIN festlegen',
    unlock: 'Sperre aufheben',
    lockLocked: 'Gesperrt bis {{time}}: zu viele falsche PINs.',
    lockQuarantined:
      'In Quarantäne seit {{time}} – nur ein Admin kann entsperren. Grund: wiederholte Sperren ({{lockouts}} kurz hintereinander).',
    wrongCodesInWindow: 'Falsche PINs seit der letzten Sperre: {{count}}.',
    saved: 'Gespeichert.',
    errors: {
      'invalid-credentials': 'Benutzername oder Passwort ist falsch.',
      'too-many-attempts':
        'Zu viele fehlgeschlagene Anmeldungen. Warten Sie eine Minute und versuchen Sie es dann erneut.',
      'pin-protection-not-available':
        'PIN-Schutz ist für das Produkt dieser Durchwahl nicht verfügbar. Fragen Sie Ihren Dienstanbieter.',
      'unlock-code-required':
        'Legen Sie zuerst eine PIN fest, dann können Sie die IVR-Authentifizierung einschalten.',
      unauthenticated: 'Ihre Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an.',
      'codes-differ': 'Die beiden PINs stimmen nicht überein.',
      'code-format': 'Die PIN besteht aus 4 bis 16 Ziffern.',
      network:
        'Die Telefonanlage ist nicht erreichbar. Prüfen Sie die Verbindung und versuchen Sie es erneut.',
      generic: 'Die Änderung wurde nicht übernommen. Versuchen Sie es erneut.',
    },
  },
  account: {
    heading: 'Konto',
    intro: 'Die Zugangsdaten Ihrer Durchwahl erhalten Sie von der Administration Ihrer Telefonanlage.',
    sipWebSocketUrl: 'SIP-WebSocket-Adresse',
    sipWebSocketUrlHint: 'Zum Beispiel wss://pbx.example.com:8089/ws',
    extension: 'Durchwahl',
    extensionHint: 'Ihre Durchwahl oder Ihr SIP-Benutzername, z. B. 201 oder alice.',
    password: 'Passwort',
    passwordKeepHint: 'Leer lassen, um das gespeicherte Passwort zu behalten.',
    displayName: 'Anzeigename',
    advanced: 'Erweitert',
    sipDomain: 'SIP-Domain (optional)',
    sipDomainHint: 'Leer: der Rechnername der WebSocket-Adresse.',
    authUsername: 'Anmeldename (optional)',
    authUsernameHint:
      'Nur wenn sich Ihre Telefonanlage mit einem anderen Namen anmeldet als mit der Durchwahl. Leer: die Durchwahl.',
    policyApiUrl: 'Adresse der Richtlinien-API (optional)',
    policyApiUrlHint: 'Leer, wenn Ihre Telefonanlage keine hat. Anrufe funktionieren trotzdem.',
    save: 'Speichern',
    saving: 'Wird gespeichert …',
    saved: 'Konto gespeichert.',
    signOut: 'Konto von diesem Arbeitsplatz entfernen',
    signedOut: 'Das Konto, sein Passwort und sein Anrufverlauf wurden von diesem Arbeitsplatz entfernt.',
    confirmRemove: 'Konto {{account}} mit Passwort und Anrufverlauf von diesem Arbeitsplatz entfernen?',
    confirmRemoveYes: 'Ja, entfernen',
    confirmRemoveNo: 'Abbrechen',
    registrationCredentials:
      'Die Telefonanlage hat Durchwahl oder Passwort abgelehnt. Bitte prüfen Sie beide und speichern Sie.',
    registrationThrottled: 'Zu viele fehlgeschlagene Anmeldungen. Bitte warten Sie.',
    registrationServer: 'Die Telefonanlage hat die Anmeldung abgelehnt.',
    registrationUnreachable: 'Die Telefonanlage ist unter dieser Adresse nicht erreichbar.',
    retryIn: 'Neuer Versuch in {{seconds}} s',
    retrying: 'Neuer Versuch läuft …',
    retryNow: 'Jetzt erneut versuchen',
    fixErrors: 'Bitte korrigieren Sie die markierten Felder.',
    secretWeak:
      'Dieses System hat keinen Schlüsselbund. Das Passwort wird nur schwach geschützt gespeichert: Wer Zugriff auf Ihr Benutzerprofil hat, kann es lesen.',
    secretUnavailable:
      'Dieses System kann das Passwort nicht verschlüsselt speichern. Tollgate behält es nur bis zum Beenden; danach müssen Sie es erneut eingeben.',
    audioHeading: 'Audio',
    microphone: 'Mikrofon',
    speaker: 'Lautsprecher',
    defaultDevice: 'Systemstandard',
    allowMicrophone: 'Mikrofonzugriff erlauben, um Geräte zu benennen',
    microphoneDenied:
      'Der Zugriff auf das Mikrofon wurde verweigert. Erlauben Sie ihn in den System- oder Browsereinstellungen; ohne Mikrofon hört Sie niemand.',
    microphoneMissing: 'Kein Mikrofon gefunden. Schließen Sie ein Mikrofon oder Headset an.',
    microphoneSwitchFailed:
      'Dieses Mikrofon ließ sich nicht öffnen. Das Gespräch läuft mit dem bisherigen Mikrofon weiter.',
    pinProtectionHeading: 'PIN-Schutz für kostenpflichtige Anrufe',
    network: 'Netzwerk',
    iceServers: 'STUN/TURN-Server (optional)',
    iceServersHint:
      'Einer pro Zeile, z. B. stun:stun.example.com:3478. Leer: nur direkte Verbindungen im eigenen Netz.',
    iceSave: 'Server speichern',
    iceSaved: 'Server gespeichert. Sie gelten ab dem nächsten Anruf.',
    passwordSessionOnly: 'Das Passwort gilt nur bis zum Beenden von Tollgate.',
    policyApiUnreachable: 'Policy-API nicht erreichbar.',
    policyApiUnreachableHint:
      'Unter der eingetragenen Adresse antwortet keine Richtlinien-API. Tollgate versucht es seltener weiter; Anrufe funktionieren trotzdem, die Telefonanlage entscheidet über die PIN.',
    policyApiCredentials:
      'Die Richtlinien-API nimmt Durchwahl und Passwort nicht an. Prüfen Sie die Angaben; Anrufe funktionieren trotzdem.',
    policyApiRetry: 'Erneut versuchen',
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
    extension:
      'Geben Sie die Durchwahl oder den SIP-Benutzernamen ohne Leerzeichen, @ und : ein (höchstens 64 Zeichen), z. B. 201 oder alice.',
    authUsername:
      'Der Anmeldename darf keine Leerzeichen, Anführungszeichen oder \\ enthalten (höchstens 128 Zeichen).',
    displayName: 'Der Anzeigename darf höchstens 64 Zeichen lang sein.',
    passwordRequired: 'Geben Sie das Passwort Ihrer Durchwahl ein.',
    passwordTooLong: 'Das Passwort darf höchstens 128 Zeichen lang sein.',
    hotkey: 'Geben Sie eine Tastenkombination ein, z. B. CommandOrControl+Shift+A.',
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
