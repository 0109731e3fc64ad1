/**
 * Why the OS keychain cannot be used, told in words a person can act on. keytar only hands
 * back libsecret's / the OS's raw error text; this turns that text into one of a few failure
 * modes, each with its own remedy. The raw text goes into `cause` for diagnostics, never into
 * the message, and never carries a secret (the store redacts before it gets here).
 */
import { DeskError } from '../../common/errors.ts';

export const KEYCHAIN_FAILURES = [
  'no-session-bus',
  'no-secret-service',
  'locked',
  'no-keyring',
  'timeout',
  'module-missing',
  'refused',
] as const;

export type KeychainFailure = (typeof KEYCHAIN_FAILURES)[number];

/** A KEYCHAIN_UNAVAILABLE DeskError that also says which failure mode it is. */
export class KeychainUnavailableError extends DeskError {
  readonly failure: KeychainFailure;

  constructor(failure: KeychainFailure, message: string, cause?: Error) {
    super('KEYCHAIN_UNAVAILABLE', message, cause === undefined ? {} : { cause });
    this.failure = failure;
  }
}

/**
 * Raw texts seen from keytar (libsecret/GLib on Linux, Security.framework on macOS). The
 * comment beside each names where it was observed; order matters (a missing collection's path
 * mentions org/freedesktop/secrets, so it is tested before "no Secret Service").
 */
const PATTERNS: ReadonlyArray<readonly [KeychainFailure, RegExp]> = [
  // "Timeout was reached": GDBus gave up (25 s) on a daemon that never answered.
  ['timeout', /timeout was reached|timed out/i],
  // "Object does not exist at path “/org/freedesktop/secrets/collection/login”" (gnome-keyring
  // 42 with no login keyring), "No such secret collection at path: /" (libsecret), macOS
  // "A default keychain could not be found." / "The specified keychain could not be found."
  [
    'no-keyring',
    /no such secret collection|object does not exist at path|NoSuchObject|keychain could not be found/i,
  ],
  // "Cannot create an item in a locked collection" (gnome-keyring 42, locked login keyring),
  // "Cannot get secret of a locked object", macOS "User interaction is not allowed." (locked
  // keychain and no UI to unlock it).
  ['locked', /\blocked\b|IsLocked|user interaction is not allowed/i],
  // "The name org.freedesktop.secrets was not provided by any .service files" (bare bus),
  // "GDBus.Error:org.freedesktop.DBus.Error.ServiceUnknown: …" (same, from a search), and a
  // service file whose daemon failed to start.
  [
    'no-secret-service',
    /org\.freedesktop\.secrets|ServiceUnknown|NameHasNoOwner|not activatable|activate remote peer|Error\.Spawn/i,
  ],
  // "Cannot autolaunch D-Bus without X11 $DISPLAY" (no bus, no display), "Error spawning
  // command line “dbus-launch --autolaunch=…”" (display but no bus), "Could not connect: No
  // such file or directory" (stale address), "Address element “…” does not contain a colon"
  // (malformed address), "The connection is closed" (the bus went away).
  [
    'no-session-bus',
    /autolaunch|dbus-launch|could not connect|address element|unsupported transport|message bus|connection is closed/i,
  ],
];

export function classifyKeychainError(raw: string): KeychainFailure {
  for (const [failure, pattern] of PATTERNS) {
    if (pattern.test(raw)) return failure;
  }
  return 'refused';
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

const RETRY = 'then retry.';

function linuxMessage(failure: KeychainFailure, timeoutMs: number): string {
  switch (failure) {
    case 'no-session-bus':
      return 'BillPro Desk cannot reach the keychain: there is no D-Bus session bus. Start Desk from a desktop session, or run it under dbus-run-session.';
    case 'no-secret-service':
      return `BillPro Desk cannot reach the keychain: no Secret Service is running on the session bus. Install and start GNOME Keyring or KWallet (package gnome-keyring), ${RETRY}`;
    case 'locked':
      return `The login keyring is locked, so BillPro Desk cannot read or save API tokens. Unlock it (open Passwords and Keys / Seahorse, or log out and in again), ${RETRY}`;
    case 'no-keyring':
      return `No default keyring exists to keep API tokens in. Create one in Passwords and Keys (Seahorse) and make it the default, ${RETRY}`;
    case 'timeout':
      return `The keychain did not answer within ${duration(timeoutMs)}. If an unlock prompt is open, answer it; otherwise restart GNOME Keyring or KWallet (or log out and in again), ${RETRY}`;
    case 'module-missing':
      return `The keychain module could not be loaded, so BillPro Desk cannot read or save API tokens. Install libsecret (package libsecret-1-0) and reinstall BillPro Desk, ${RETRY}`;
    case 'refused':
      return `The keychain refused the request. Make sure GNOME Keyring or KWallet is running and the login keyring is unlocked, ${RETRY}`;
  }
}

function macMessage(failure: KeychainFailure, timeoutMs: number): string {
  switch (failure) {
    case 'locked':
      return `The macOS login keychain is locked, so BillPro Desk cannot read or save API tokens. Unlock it in Keychain Access (or log in again), ${RETRY}`;
    case 'no-keyring':
      return `macOS has no default keychain to keep API tokens in. In Keychain Access, create or reset the login keychain, ${RETRY}`;
    case 'timeout':
      return `The macOS Keychain did not answer within ${duration(timeoutMs)}. If a Keychain prompt is open, answer it (choose Allow), ${RETRY}`;
    case 'module-missing':
      return `The keychain module could not be loaded, so BillPro Desk cannot read or save API tokens. Reinstall BillPro Desk, ${RETRY}`;
    default:
      return `The macOS Keychain refused the request. In Keychain Access, make sure the login keychain is unlocked and BillPro Desk is allowed to use it, ${RETRY}`;
  }
}

function windowsMessage(failure: KeychainFailure, timeoutMs: number): string {
  switch (failure) {
    case 'timeout':
      return `Windows Credential Manager did not answer within ${duration(timeoutMs)}. Sign in to Windows with your usual account, ${RETRY}`;
    case 'module-missing':
      return `The keychain module could not be loaded, so BillPro Desk cannot read or save API tokens. Reinstall BillPro Desk, ${RETRY}`;
    default:
      return `Windows Credential Manager refused the request. Sign in with your usual Windows account (not a temporary profile) and check Credential Manager in the Control Panel, ${RETRY}`;
  }
}

/** The message for a failure mode, in the words of the person's own platform. */
export function keychainMessage(
  failure: KeychainFailure,
  platform: NodeJS.Platform,
  timeoutMs: number,
): string {
  if (platform === 'darwin') return macMessage(failure, timeoutMs);
  if (platform === 'win32') return windowsMessage(failure, timeoutMs);
  return linuxMessage(failure, timeoutMs);
}

export function keychainUnavailable(
  failure: KeychainFailure,
  platform: NodeJS.Platform,
  timeoutMs: number,
  cause?: Error,
): KeychainUnavailableError {
  return new KeychainUnavailableError(failure, keychainMessage(failure, platform, timeoutMs), cause);
}
