/**
 * Attack stories woven into the tenant, each with what detectors must find
 * and near misses they must not: AiTM phishing to persistence and privilege,
 * password spray against admins, MFA fatigue.
 */
import { APPS, alertRecord, auditRecord, deviceRegistrationRecord, entraSignInRecord, signInRecord, type RawRecord } from './records.js';
import type { Rng } from './rng.js';
import type { SimUser, Tenant } from './tenant.js';

const H = 3_600_000;
const M = 60_000;

export interface StoryExpectation {
  readonly detector: string;
  readonly where: Readonly<Record<string, unknown>>;
  readonly why?: string;
}

export interface Story {
  readonly id: string;
  readonly title: string;
  readonly account: string;
  readonly attackerIps: readonly string[];
  readonly steps: { time: string; table: string; what: string }[];
  readonly expect: StoryExpectation[];
  readonly mustNotMatch: StoryExpectation[];
}

export interface TimedRecord {
  readonly time: number;
  readonly table: string;
  readonly record: RawRecord;
}

/** Builds the stories' events around `at` (a time in the tenant's last days). */
export function buildStories(rng: Rng, tenant: Tenant, at: number): { stories: Story[]; events: TimedRecord[] } {
  const events: TimedRecord[] = [];
  const stories: Story[] = [];
  const users = tenant.users;
  const admins = users.filter((u) => u.roles.some((r) => r.toLowerCase().includes('admin')));
  const plain = users.filter((u) => u.roles.length === 0);
  const add = (time: number, table: string, record: RawRecord, steps?: Story['steps'], what?: string) => {
    events.push({ time, table, record });
    if (steps && what) steps.push({ time: new Date(time).toISOString(), table, what });
  };

  // 1. Adversary-in-the-middle phishing: risky session, MFA registered from the attacker's IP, device
  //    registered, alert, failed portal sign-ins, a role assigned and other accounts' MFA changed.
  {
    const victim = admins[0] ?? users[0]!;
    const attacker = '185.220.101.47';
    const t0 = at;
    const steps: Story['steps'] = [];
    const session = rng.uuid();
    add(t0, 'EntraIdSignInEvents', entraSignInRecord(rng, { user: victim, time: t0, ip: attacker, app: APPS[1], risk: 100, errorCode: 0, sessionId: session, country: 'NL' }), steps, 'high-risk session to OfficeHome from the AiTM proxy');
    add(t0 + 20 * M, 'EntraIdSignInEvents', entraSignInRecord(rng, { user: victim, time: t0 + 20 * M, ip: attacker, app: APPS[0], risk: 100, errorCode: 0, sessionId: session, country: 'NL' }));
    add(t0 + 5 * M, 'SigninLogs', signInRecord(rng, tenant, { user: victim, time: t0 + 5 * M, ip: attacker, app: APPS[1], result: '0', interactive: true, country: 'NL', city: 'Amsterdam', risk: 'high' }), steps, 'successful sign-in from a country the user never used');
    add(t0 + 30 * M, 'AuditLogs', auditRecord(rng, tenant, { time: t0 + 30 * M, operation: 'User registered security info', category: 'UserManagement', initiator: victim, ip: attacker, target: victim, targetDisplayName: 'Microsoft Authenticator App' }), steps, 'MFA method registered from the attacker IP');
    add(t0 + 2 * H, 'CloudAppEvents', deviceRegistrationRecord(rng, tenant, { time: t0 + 2 * H, user: victim, deviceObjectId: rng.uuid(), deviceName: 'DESKTOP-ATTK01', ip: attacker }), steps, 'device registered to the account');
    add(t0 + 3 * H, 'SecurityAlert', alertRecord(rng, tenant, { time: t0 + 3 * H, name: 'Unfamiliar sign-in properties', severity: 'Medium', user: victim, ip: attacker }), steps, 'Identity Protection alert');
    for (let k = 0; k < 2; k++) {
      add(t0 + 3 * H + (10 + k) * M, 'SigninLogs', signInRecord(rng, tenant, { user: victim, time: t0 + 3 * H + (10 + k) * M, ip: attacker, app: APPS[3], result: '50126', interactive: true, country: 'NL', city: 'Amsterdam' }), k === 0 ? steps : undefined, 'failed Azure Portal sign-ins');
    }
    const other = plain[1] ?? users[1]!;
    add(t0 + 4 * H, 'AuditLogs', auditRecord(rng, tenant, { time: t0 + 4 * H, operation: 'Add member to role', category: 'RoleManagement', initiator: victim, ip: attacker, target: other, role: 'Global Administrator' }), steps, `role assigned to ${other.upn}`);
    for (const [k, u] of plain.slice(2, 5).entries()) {
      add(t0 + 4 * H + (10 + k) * M, 'AuditLogs', auditRecord(rng, tenant, { time: t0 + 4 * H + (10 + k) * M, operation: 'Admin registered security info', category: 'UserManagement', initiator: victim, ip: attacker, target: u, targetDisplayName: 'Phone' }), k === 0 ? steps : undefined, 'other accounts\' MFA changed by the victim');
    }
    stories.push({
      id: 'aitm-phishing',
      title: 'AiTM phishing of an admin, then persistence and privilege',
      account: victim.upn,
      attackerIps: [attacker],
      steps,
      expect: [
        { detector: 'mfa-registration-unseen-ip', where: { UserUpn: victim.upn, RegIp: attacker } },
        { detector: 'account-mfa-modifications', where: { InitiatorUPN: victim.upn, FromIP: attacker } },
        { detector: 'risky-signin-device-registration', where: { AccountUpn: victim.upn, IPAddress: attacker } },
        { detector: 'unfamiliar-signin-portal-role-change', where: { AccountCustomEntity: victim.upn, IPAddress: attacker } },
        { detector: 'new-country-then-mfa-change', where: { UserPrincipalName: victim.upn, Country: 'NL' } },
      ],
      mustNotMatch: [],
    });

    // Near miss: a device registered 7h after another user's risky sign-in (outside 6h).
    const late = plain[6] ?? users[6]!;
    const s2 = rng.uuid();
    add(t0 - 30 * H, 'EntraIdSignInEvents', entraSignInRecord(rng, { user: late, time: t0 - 30 * H, ip: late.ips[0]!, app: APPS[0], risk: 50, errorCode: 0, sessionId: s2, country: late.city.country }));
    add(t0 - 23 * H, 'CloudAppEvents', deviceRegistrationRecord(rng, tenant, { time: t0 - 23 * H, user: late, deviceObjectId: rng.uuid(), deviceName: late.deviceName, ip: late.ips[0]! }));
    stories.push({
      id: 'near-miss-late-device',
      title: 'Device registered 7 hours after a medium-risk sign-in (outside the 6h window)',
      account: late.upn,
      attackerIps: [],
      steps: [],
      expect: [],
      mustNotMatch: [{ detector: 'risky-signin-device-registration', where: { AccountUpn: late.upn }, why: '7h > 6h' }],
    });
  }

  // 2. Password spray against admins from one IP, failed MFA on admins, then a success.
  {
    const sprayer = '45.153.160.2';
    const t0 = at - 26 * H;
    const steps: Story['steps'] = [];
    const targets = [...admins, ...plain.slice(0, 6)];
    targets.forEach((u, k) => {
      add(t0 + k * 2 * M, 'SigninLogs', signInRecord(rng, tenant, { user: u, time: t0 + k * 2 * M, ip: sprayer, app: APPS[3], result: '50126', interactive: true, country: 'RU', city: 'Moscow' }), k === 0 ? steps : undefined, `password spray: ${targets.length} accounts`);
    });
    const cracked = admins[1] ?? admins[0] ?? users[0]!;
    add(t0 + 40 * M, 'SigninLogs', signInRecord(rng, tenant, { user: cracked, time: t0 + 40 * M, ip: sprayer, app: APPS[3], result: '50074', interactive: true, country: 'RU', city: 'Moscow' }), steps, 'admin password right, MFA required');
    add(t0 + 41 * M, 'AADNonInteractiveUserSignInLogs', signInRecord(rng, tenant, { user: cracked, time: t0 + 41 * M, ip: sprayer, app: APPS[4], result: '500121', interactive: false, country: 'RU', city: 'Moscow' }));
    add(t0 + 50 * M, 'SigninLogs', signInRecord(rng, tenant, { user: cracked, time: t0 + 50 * M, ip: sprayer, app: APPS[3], result: '0', interactive: true, country: 'RU', city: 'Moscow' }), steps, 'successful sign-in from the spraying IP');
    stories.push({
      id: 'password-spray-admins',
      title: 'Password spray against admins, failed MFA, then a success from the same IP',
      account: cracked.upn,
      attackerIps: [sprayer],
      steps,
      expect: [
        { detector: 'privileged-account-failed-mfa', where: { AccountUPN: cracked.upn, IPAddress: sprayer } },
        { detector: 'password-spray-then-success', where: { UserPrincipalName: cracked.upn, IPAddress: sprayer } },
      ],
      mustNotMatch: [],
    });
  }

  // 3. MFA fatigue: many denied pushes, then the user approves one.
  {
    const victim = plain[7] ?? users[7]!;
    const ip = '102.129.152.10';
    const t0 = at - 50 * H;
    const steps: Story['steps'] = [];
    for (let k = 0; k < 8; k++) {
      add(t0 + k * 3 * M, 'SigninLogs', signInRecord(rng, tenant, { user: victim, time: t0 + k * 3 * M, ip, app: APPS[1], result: '500121', interactive: true, country: 'ZA', city: 'Johannesburg', details: 'MFA denied; user declined the authentication' }), k === 0 ? steps : undefined, '8 denied MFA pushes in 24 minutes');
    }
    add(t0 + 26 * M, 'SigninLogs', signInRecord(rng, tenant, { user: victim, time: t0 + 26 * M, ip, app: APPS[1], result: '0', interactive: true, country: 'ZA', city: 'Johannesburg' }), steps, 'the user approves a push');
    stories.push({
      id: 'mfa-fatigue',
      title: 'MFA fatigue: denied pushes, then an approval',
      account: victim.upn,
      attackerIps: [ip],
      steps,
      expect: [{ detector: 'mfa-fatigue', where: { UserPrincipalName: victim.upn, IPAddress: ip } }],
      mustNotMatch: [],
    });
    // Near miss: a non-admin role holder failing MFA is not privileged; "multifactor" is not a term match.
    const reader = users.find((u) => u.roles.length > 0 && !u.roles.some((r) => r.toLowerCase().includes('admin')));
    if (reader) {
      add(t0 + 2 * H, 'SigninLogs', signInRecord(rng, tenant, { user: reader, time: t0 + 2 * H, ip: reader.ips[0]!, app: APPS[0], result: '50076', interactive: true }));
      stories.push({
        id: 'near-miss-reader-mfa',
        title: 'A Reader role holder fails MFA: not a privileged account',
        account: reader.upn,
        attackerIps: [],
        steps: [],
        expect: [],
        mustNotMatch: [{ detector: 'privileged-account-failed-mfa', where: { AccountUPN: reader.upn }, why: 'no role containing admin' }],
      });
    }
  }
  return { stories, events };
}

export type { SimUser };
