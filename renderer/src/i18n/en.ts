import type { Translation } from './de';

export const en: Translation = {
  app: {
    title: 'Tollgate',
    tabsLabel: 'Sections',
    languageLabel: 'Language',
    languageSystem: 'System language',
    languageGerman: 'Deutsch',
    languageEnglish: 'English',
    loading: 'Starting Tollgate …',
    browserHost: 'Running in a browser (without Electron).',
  },
  tabs: {
    phone: 'Phone',
    history: 'History',
    callSettings: 'Call settings',
    account: 'Account',
  },
  status: {
    label: 'Status',
    registrationNoAccount: 'No account set up',
    registrationOffline: 'Not connected to the PBX',
    pinUnknown: 'PIN protection: unknown – the PBX decides',
  },
  phone: {
    heading: 'Phone',
    numberLabel: 'Number',
    numberFromLink: 'The number {{number}} was taken from a link. Nothing is dialled until you call.',
    call: 'Call',
    callUnavailable: 'You can call as soon as Tollgate is registered with the PBX.',
    setUpAccountFirst: 'First set up your extension in the Account section.',
    invalidLink: 'The link that was opened did not contain a number that can be dialled.',
  },
  history: {
    heading: 'History',
    empty: 'No calls yet.',
  },
  callSettings: {
    heading: 'Call settings',
    noAccount: 'First set up your extension in the Account section.',
    noPolicy:
      'The call settings (IVR authentication) are shown once Tollgate has loaded your extension’s policy from the PBX.',
  },
  account: {
    heading: 'Account',
    intro: 'Your PBX administrator gives you the credentials of your extension.',
    sipWebSocketUrl: 'SIP WebSocket address',
    sipWebSocketUrlHint: 'For example wss://pbx.example.com:8089/ws',
    extension: 'Extension',
    password: 'Password',
    passwordKeepHint: 'Leave empty to keep the saved password.',
    displayName: 'Display name',
    advanced: 'Advanced',
    sipDomain: 'SIP domain (optional)',
    sipDomainHint: 'Empty: the host name of the WebSocket address.',
    authUsername: 'Authentication user name (optional)',
    authUsernameHint: 'Empty: the extension.',
    policyApiUrl: 'Policy API address (optional)',
    policyApiUrlHint: 'Leave empty if your PBX has none. Calls work all the same.',
    save: 'Save',
    saving: 'Saving …',
    saved: 'Account saved.',
    signOut: 'Remove the account from this workstation',
    signedOut: 'The account and its password were removed from this workstation.',
    fixErrors: 'Please correct the marked fields.',
    secretWeak:
      'This system has no key store, so the password is stored with weak protection: anyone with access to your user profile can read it.',
    secretUnavailable:
      'This system cannot store the password encrypted. Tollgate keeps it only until it quits; you will have to enter it again next time.',
    passwordSessionOnly: 'The password is kept only until Tollgate quits.',
  },
  notices: {
    dismiss: 'Dismiss notice',
    'settings-corrupt':
      'Your settings file was damaged and has been kept at {{path}}. Please set up your account again.',
    'settings-from-newer-version':
      'Your settings come from a newer version of Tollgate and have been kept at {{path}}. Update Tollgate or set up the account again.',
    'settings-unwritable':
      'Tollgate cannot save its settings. Check free disk space and write permissions; until then changes last only until Tollgate quits.',
  },
  errors: {
    required: 'This field is required.',
    invalid: 'This value is not valid.',
    wsUrl: 'Enter an address starting with wss:// (or ws://), e.g. wss://pbx.example.com:8089/ws.',
    httpUrl: 'Enter an address starting with https:// (or http://), or leave the field empty.',
    sipDomain: 'Enter a host name such as pbx.example.com, or leave the field empty.',
    extension: 'The extension has 2 to 8 digits.',
    authUsername: 'The user name may contain only letters, digits and . _ @ + - (64 characters at most).',
    displayName: 'The display name may be 64 characters long at most.',
    passwordRequired: 'Enter the password of your extension.',
    passwordTooLong: 'The password may be 128 characters long at most.',
    iceServer: 'Enter a STUN or TURN address (stun:… or turn:…).',
    'secret-unreadable':
      'The saved password could not be decrypted because the system key store changed. Please enter it again.',
    'settings-unwritable':
      'The settings could not be saved. Check free disk space and write permissions, then try again.',
    'secret-storage-unavailable': 'The password cannot be stored on this system.',
    generic:
      'Tollgate did not answer properly internally. Try again; if that does not help, restart Tollgate.',
  },
};
