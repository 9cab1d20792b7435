/**
 * Fixed reference data the records draw from: Microsoft first-party apps and
 * their resources, sign-in result codes with the descriptions Entra ID logs,
 * places, browsers and alert names. Real ids and texts, so the records look
 * like an export from a real tenant.
 */

/** A first-party application and the resource its sign-ins reach. */
export interface App {
  readonly name: string;
  readonly id: string;
  readonly resource: string;
  readonly resourceId: string;
}

const app = (name: string, id: string, resource: string, resourceId: string): App => ({ name, id, resource, resourceId });

export const APPS = {
  exchange: app('Office 365 Exchange Online', '00000002-0000-0ff1-ce00-000000000000', 'Office 365 Exchange Online', '00000002-0000-0ff1-ce00-000000000000'),
  officeHome: app('OfficeHome', '4765445b-32c6-49b0-83e6-1d93765276ca', 'Microsoft Graph', '00000003-0000-0000-c000-000000000000'),
  teams: app('Microsoft Teams', '1fec8e78-bce4-4aaf-ab1b-5451cc387264', 'Microsoft Teams Services', 'cc15fd57-2c6c-4117-a88c-83b1d56b4bbe'),
  sharePoint: app('Office 365 SharePoint Online', '00000003-0000-0ff1-ce00-000000000000', 'Office 365 SharePoint Online', '00000003-0000-0ff1-ce00-000000000000'),
  azurePortal: app('Azure Portal', 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', 'Windows Azure Service Management API', '797f4846-ba00-4fd7-ba43-dac1f8f63013'),
  office: app('Microsoft Office', 'd3590ed6-52b3-4102-aeff-aad2292ab01c', 'Microsoft Graph', '00000003-0000-0000-c000-000000000000'),
  outlookMobile: app('Outlook Mobile', '27922004-5251-4030-b22d-91ecd9a37ea4', 'Office 365 Exchange Online', '00000002-0000-0ff1-ce00-000000000000'),
  broker: app('Microsoft Authentication Broker', '29d9ed98-a469-4536-ade2-f981bc1d605e', 'Device Registration Service', '01cb2876-7ebd-4aa4-9cc9-d28bd4d359a9'),
  mySignins: app('My Signins', '19db86c3-b2b9-44cc-b339-36da233a3be2', 'Microsoft Graph', '00000003-0000-0000-c000-000000000000'),
  aadPowerShell: app('Azure Active Directory PowerShell', '1b730954-1685-4b74-9bfd-dac224a7b894', 'Windows Azure Active Directory', '00000002-0000-0000-c000-000000000000'),
  oneDrive: app('OneDrive SyncEngine', 'ab9b8c07-8f02-4f72-87fa-80105867a763', 'Office 365 SharePoint Online', '00000003-0000-0ff1-ce00-000000000000'),
} as const satisfies Record<string, App>;

/** Apps people open interactively (weights: how often). */
export const INTERACTIVE_APPS: readonly (readonly [App, number])[] = [
  [APPS.officeHome, 5],
  [APPS.exchange, 4],
  [APPS.teams, 4],
  [APPS.sharePoint, 2],
  [APPS.office, 2],
];

/** Apps that refresh tokens in the background. */
export const NON_INTERACTIVE_APPS: readonly (readonly [App, number])[] = [
  [APPS.teams, 5],
  [APPS.exchange, 4],
  [APPS.office, 3],
  [APPS.oneDrive, 3],
  [APPS.broker, 2],
  [APPS.outlookMobile, 1],
];

/** A sign-in outcome: ResultType and the texts Entra ID logs with it. */
export interface SignInResult {
  readonly code: string;
  readonly description: string;
  /** Status.failureReason (empty for a success). */
  readonly failureReason: string;
  /** Whether the password (first factor) step succeeded. */
  readonly passwordOk: boolean;
  /** Whether a second factor was asked for and what came of it. */
  readonly mfa: 'none' | 'satisfied' | 'required' | 'denied';
}

const result = (code: string, description: string, passwordOk: boolean, mfa: SignInResult['mfa']): SignInResult => ({
  code,
  description,
  failureReason: code === '0' ? '' : description,
  passwordOk,
  mfa,
});

export const RESULTS = {
  ok: result('0', '', true, 'satisfied'),
  okSingleFactor: result('0', '', true, 'none'),
  badPassword: result('50126', 'Error validating credentials due to invalid username or password.', false, 'none'),
  strongAuthRequired: result('50074', 'Strong Authentication is required.', true, 'required'),
  mfaRequiredMoved: result(
    '50076',
    'Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.',
    true,
    'required',
  ),
  mfaDenied: result('500121', 'Authentication failed during strong authentication request.', true, 'denied'),
  locked: result('50053', 'Account is locked because user tried to sign in too many times with an incorrect user ID or password.', false, 'none'),
  blockedByCa: result('53003', 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.', true, 'none'),
  keepMeSignedIn: result('50140', 'This error occurred due to "Keep me signed in" interrupt when the user was signing in.', true, 'satisfied'),
  expiredPassword: result('50055', 'Invalid password, entered expired password.', false, 'none'),
  sessionExpired: result('70044', 'The session has expired or is invalid due to sign-in frequency checks by conditional access.', true, 'none'),
  flowTokenExpired: result('50089', 'Flow token expired - Authentication Failed. Have the user try signing-in again with username -password.', true, 'none'),
  sessionInvalid: result('50133', 'Session is invalid due to expiration or recent password change.', true, 'none'),
  /** A near miss for hunt 5: "multifactor" is one term, not "multi-factor", and the code is not in the hunt's list. */
  externalChallenge: result(
    '50158',
    'External security challenge not satisfied. User will be redirected to another page or authentication provider to satisfy additional multifactor authentication challenges.',
    true,
    'none',
  ),
} as const satisfies Record<string, SignInResult>;

/** Interactive failures and their weights (most common first). */
export const INTERACTIVE_FAILURES: readonly (readonly [SignInResult, number])[] = [
  [RESULTS.badPassword, 5],
  [RESULTS.keepMeSignedIn, 5],
  [RESULTS.strongAuthRequired, 4],
  [RESULTS.mfaRequiredMoved, 2],
  [RESULTS.mfaDenied, 1],
  [RESULTS.blockedByCa, 1],
  [RESULTS.locked, 0.3],
  [RESULTS.expiredPassword, 0.5],
];

/** Non-interactive failures (token refreshes) and their weights. */
export const NON_INTERACTIVE_FAILURES: readonly (readonly [SignInResult, number])[] = [
  [RESULTS.sessionExpired, 3],
  [RESULTS.flowTokenExpired, 2],
  [RESULTS.sessionInvalid, 1],
  [RESULTS.strongAuthRequired, 1],
];

/** A place an IP is located in. */
export interface Place {
  readonly country: string;
  readonly state: string;
  readonly city: string;
  readonly lat: number;
  readonly lon: number;
  readonly asn: number;
}

const place = (country: string, state: string, city: string, lat: number, lon: number, asn: number): Place => ({ country, state, city, lat, lon, asn });

/** Where the tenant's people work and live. */
export const HOME_PLACES: readonly Place[] = [
  place('US', 'Washington', 'Redmond', 47.6740, -122.1215, 7922),
  place('US', 'Washington', 'Seattle', 47.6062, -122.3321, 7922),
  place('US', 'New York', 'New York', 40.7128, -74.006, 701),
  place('US', 'Illinois', 'Chicago', 41.8781, -87.6298, 7018),
  place('US', 'Texas', 'Austin', 30.2672, -97.7431, 11427),
  place('GB', 'England', 'London', 51.5072, -0.1276, 2856),
  place('DE', 'Bavaria', 'Munich', 48.1351, 11.582, 3320),
  place('IE', 'Dublin', 'Dublin', 53.3498, -6.2603, 5466),
  place('CA', 'Ontario', 'Toronto', 43.6532, -79.3832, 812),
];

/** Places attackers' infrastructure sits in; no user of the tenant ever signs in from these countries. */
export const ATTACKER_PLACES = {
  amsterdam: place('NL', 'North Holland', 'Amsterdam', 52.3676, 4.9041, 60781),
  moscow: place('RU', 'Moscow', 'Moscow', 55.7558, 37.6173, 49505),
  lagos: place('NG', 'Lagos', 'Lagos', 6.5244, 3.3792, 37148),
  saoPaulo: place('BR', 'Sao Paulo', 'Sao Paulo', -23.5505, -46.6333, 28573),
  hanoi: place('VN', 'Hanoi', 'Hanoi', 21.0278, 105.8342, 7552),
} as const satisfies Record<string, Place>;

/** A browser or client with its user agent. */
export interface Client {
  readonly os: string;
  readonly browser: string;
  readonly userAgent: string;
  readonly clientApp: string;
}

export const CLIENTS = {
  edgeWindows: {
    os: 'Windows10',
    browser: 'Edge 130.0.0',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
    clientApp: 'Browser',
  },
  chromeWindows: {
    os: 'Windows10',
    browser: 'Chrome 130.0.0',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
    clientApp: 'Browser',
  },
  safariMac: {
    os: 'MacOs',
    browser: 'Safari 18.0',
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15',
    clientApp: 'Browser',
  },
  outlookIos: {
    os: 'Ios',
    browser: 'Mobile Safari 18.0',
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
    clientApp: 'Mobile Apps and Desktop clients',
  },
  /** The headless browser AiTM kits (Evilginx and kin) proxy through. */
  aitmProxy: {
    os: 'Linux',
    browser: 'Chrome 129.0.0',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36',
    clientApp: 'Browser',
  },
  /** Password-spray tooling speaking ROPC. */
  sprayTool: {
    os: '',
    browser: 'Python Requests 2.32',
    userAgent: 'python-requests/2.32.3',
    clientApp: 'Mobile Apps and Desktop clients',
  },
} as const satisfies Record<string, Client>;

/** Alerts unrelated to the stories (background noise), as Identity Protection and Defender name them. */
export const BACKGROUND_ALERTS: readonly { name: string; type: string; provider: string; product: string; severity: string; description: string }[] = [
  {
    name: 'Atypical travel',
    type: 'ImpossibleTravel',
    provider: 'IPC',
    product: 'Azure Active Directory Identity Protection',
    severity: 'Low',
    description: 'Sign-in from an atypical location based on the user’s recent sign-ins.',
  },
  {
    name: 'Anonymous IP address',
    type: 'AnonymousLogin',
    provider: 'IPC',
    product: 'Azure Active Directory Identity Protection',
    severity: 'Medium',
    description: 'Sign-in from an anonymous IP address (e.g. Tor browser, anonymizer VPNs)',
  },
  {
    name: 'Suspicious inbox manipulation rule',
    type: 'MCAS_ALERT_ANUBIS_DETECTION_INBOX_MANIPULATION_RULE',
    provider: 'MCAS',
    product: 'Microsoft Cloud App Security',
    severity: 'Medium',
    description: 'A suspicious inbox rule was set on a user’s inbox.',
  },
  {
    name: 'Email messages containing malicious URL removed after delivery',
    type: 'ThreatManagement',
    provider: 'OATP',
    product: 'Office 365 Advanced Threat Protection',
    severity: 'Informational',
    description: 'Emails with malicious URL that were delivered and later removed.',
  },
];

/** Role names. Only the first list contains "admin"; hunt 5 treats those holders as privileged. */
export const ADMIN_ROLES = ['Global Administrator', 'Security Administrator', 'Exchange Administrator', 'User Administrator', 'Privileged Role Administrator'];
export const READER_ROLES = ['Security Reader', 'Global Reader', 'Reports Reader', 'Message Center Reader'];

/** Authentication methods users register (TargetResources[0].displayName of security-info events). */
export const MFA_METHODS = ['Microsoft Authenticator App', 'Phone', 'Email', 'FIDO2 security key', 'Software OATH token'];
