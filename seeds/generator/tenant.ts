/**
 * The simulated tenant: its people (UPN, object id, department, the places
 * and 1-3 usual IPs they sign in from, their devices), who holds which
 * directory role, and the tenant's Conditional Access policies. Everything is
 * drawn from the seeded stream, so one seed is one tenant.
 */
import { ADMIN_ROLES, CLIENTS, HOME_PLACES, MFA_METHODS, READER_ROLES, type Client, type Place } from './reference-data.js';
import type { Rng } from './rng.js';

/** One of a user's usual networks. */
export interface UsualIp {
  readonly ip: string;
  readonly kind: 'office' | 'home' | 'mobile';
  readonly place: Place;
}

/** A device a user signs in from. */
export interface SimDevice {
  readonly id: string;
  readonly name: string;
  readonly client: Client;
  readonly trustType: string;
  readonly compliant: boolean;
  readonly managed: boolean;
}

export interface SimUser {
  readonly index: number;
  /** UPN as the directory logs it (a few users have capitals; hunts compare lower-cased). */
  readonly upn: string;
  readonly displayName: string;
  readonly givenName: string;
  readonly surname: string;
  readonly objectId: string;
  readonly department: string;
  readonly jobTitle: string;
  readonly home: Place;
  readonly ips: readonly UsualIp[];
  readonly devices: readonly SimDevice[];
  /** Directory roles held now; routine assignments add to it as the days pass. */
  readonly roles: string[];
  /** Registered MFA methods (TargetResources displayName of security-info events). */
  readonly mfaMethods: string[];
  readonly createdAt: string;
  readonly sid: string;
}

/** A Conditional Access policy of the tenant. */
export interface CaPolicy {
  readonly id: string;
  readonly displayName: string;
  readonly grant: readonly string[];
  readonly session: readonly string[];
  /** Which sign-ins it applies to. */
  readonly scope: 'all' | 'admins' | 'azure-management' | 'legacy' | 'report-only';
}

export interface Tenant {
  readonly domain: string;
  readonly tenantId: string;
  readonly users: readonly SimUser[];
  readonly admins: readonly SimUser[];
  readonly readers: readonly SimUser[];
  readonly policies: readonly CaPolicy[];
  /** Object and template id of every directory role the generator names. */
  readonly roleIds: ReadonlyMap<string, { readonly roleObjectId: string; readonly roleTemplateId: string }>;
}

/** Fewest users a tenant can have: the stories need five admins, a reader and about fifteen other people. */
export const MIN_USERS = 30;

const FIRST = [
  'Adele', 'Alex', 'Allan', 'Christie', 'Debra', 'Diego', 'Emily', 'Enrico', 'Gerhart', 'Grady', 'Henrietta', 'Irvin',
  'Isaiah', 'Johanna', 'Joni', 'Lee', 'Lidia', 'Lynne', 'Megan', 'Miriam', 'Nestor', 'Patti', 'Pradeep', 'Raul',
  'Ben', 'Cameron', 'Delia', 'Elvia', 'Fatima', 'Gabriel', 'Hana', 'Ivan', 'Jun', 'Kayo', 'Lina', 'Mateo',
];
const LAST = [
  'Vance', 'Wilber', 'Cline', 'Cline', 'Berg', 'Siciliani', 'Braun', 'Cattaneo', 'Mueller', 'Archie', 'Gonzalez', 'Bellinger',
  'Langer', 'Lauer', 'Sherman', 'Adams', 'Holloway', 'Gomez', 'Bowen', 'Hunter', 'Wilke', 'Fernandez', 'Gupta', 'Razo',
  'Okafor', 'Nakamura', 'Rossi', 'Kowalski', 'Haddad', 'Novak', 'Silva', 'Chen', 'Miwa', 'Dubois', 'Larsen', 'Moreau',
];
const DEPARTMENTS: readonly (readonly [string, string])[] = [
  ['Sales', 'Account Executive'],
  ['Finance', 'Financial Analyst'],
  ['Legal', 'Counsel'],
  ['Marketing', 'Marketing Manager'],
  ['Engineering', 'Software Engineer'],
  ['Operations', 'Operations Specialist'],
  ['Human Resources', 'HR Generalist'],
];

const OFFICE_OCTETS = [20, 40, 52, 104, 13];
const HOME_OCTETS = [73, 24, 98, 71, 67, 86, 90, 81, 92, 87, 109, 176];
const MOBILE_OCTETS = [172, 174];
/** Users behind one office egress IP (small, so a few failed passwords from one office never look like a spray). */
const USERS_PER_OFFICE_IP = 8;

/** Builds a tenant of n users (at least MIN_USERS); about one in ten holds an admin role, a few hold reader roles. */
export function buildTenant(rng: Rng, n: number): Tenant {
  if (!Number.isInteger(n) || n < MIN_USERS) throw new RangeError(`users: at least ${MIN_USERS}, got ${n}`);
  const domain = 'contoso.com';
  const tenantId = rng.uuid();
  const offices = HOME_PLACES.slice(0, 5);
  const officeIps = new Map<string, string>();
  const usedIps = new Set<string>();
  const freshIp = (octets: readonly number[]): string => {
    for (;;) {
      const ip = `${rng.pick(octets)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
      if (!usedIps.has(ip)) {
        usedIps.add(ip);
        return ip;
      }
    }
  };
  const adminCount = Math.max(5, Math.round(n / 10));
  const readerCount = Math.max(2, Math.round(n / 15));
  const users: SimUser[] = [];
  const names = new Set<string>();
  for (let i = 0; i < n; i++) {
    const given = rng.pick(FIRST);
    const surname = rng.pick(LAST);
    let local = `${given}.${surname}`.toLowerCase();
    if (names.has(local)) local = `${local}${i}`;
    names.add(local);
    // A few directories keep the capitals people typed when the account was made.
    const upnLocal = rng.chance(0.15) ? `${given}.${surname}${local.replace(/^[a-z.]+/, '')}` : local;
    const office = offices[i % offices.length]!;
    const group = `${office.city}#${Math.floor(i / offices.length / USERS_PER_OFFICE_IP)}`;
    let officeIp = officeIps.get(group);
    if (!officeIp) {
      officeIp = freshIp(OFFICE_OCTETS);
      officeIps.set(group, officeIp);
    }
    const ips: UsualIp[] = [{ ip: officeIp, kind: 'office', place: office }];
    if (rng.chance(0.75)) ips.push({ ip: freshIp(HOME_OCTETS), kind: 'home', place: office });
    if (rng.chance(0.3)) ips.push({ ip: freshIp(MOBILE_OCTETS), kind: 'mobile', place: office });
    const [department, title] = rng.pick(DEPARTMENTS);
    const devices: SimDevice[] = [
      rng.chance(0.8)
        ? { id: rng.uuid(), name: `DESKTOP-${rng.hex(7).toUpperCase()}`, client: rng.chance(0.6) ? CLIENTS.edgeWindows : CLIENTS.chromeWindows, trustType: 'Azure AD joined', compliant: true, managed: true }
        : { id: rng.uuid(), name: `${given}s-MacBook-Pro`, client: CLIENTS.safariMac, trustType: 'Azure AD registered', compliant: true, managed: false },
    ];
    if (rng.chance(0.6)) devices.push({ id: rng.uuid(), name: `${given}s-iPhone`, client: CLIENTS.outlookIos, trustType: 'Azure AD registered', compliant: false, managed: false });
    users.push({
      index: i,
      upn: `${upnLocal}@${domain}`,
      displayName: `${given} ${surname}`,
      givenName: given,
      surname,
      objectId: rng.uuid(),
      department,
      jobTitle: title,
      home: office,
      ips,
      devices,
      roles: [],
      mfaMethods: [rng.pick(MFA_METHODS.slice(0, 2))],
      createdAt: `20${rng.int(19, 25)}-0${rng.int(1, 9)}-1${rng.int(0, 9)}T0${rng.int(0, 9)}:${rng.int(10, 59)}:${rng.int(10, 59)}Z`,
      sid: `S-1-5-21-1825954961-3338807533-2873504967-${1100 + i}`,
    });
  }
  // Admins and reader-role holders: spread over the tenant, chosen by the stream.
  const order = rng.shuffle(users);
  const admins = order.slice(0, adminCount);
  const readers = order.slice(adminCount, adminCount + readerCount);
  admins.forEach((u, k) => {
    u.roles.push(ADMIN_ROLES[k % ADMIN_ROLES.length]!);
    if (k === 0) u.roles.push('Privileged Role Administrator');
    Object.assign(u, { department: 'IT', jobTitle: 'IT Administrator' });
  });
  readers.forEach((u, k) => u.roles.push(READER_ROLES[k % READER_ROLES.length]!));
  const policy = (displayName: string, grant: string[], session: string[], scope: CaPolicy['scope']): CaPolicy => ({ id: rng.uuid(), displayName, grant, session, scope });
  const policies = [
    policy('CA001: Require MFA for all users', ['Mfa'], ['SignInFrequency'], 'all'),
    policy('CA002: Block legacy authentication', ['Block'], [], 'legacy'),
  ];
  const roleIds = new Map([...ADMIN_ROLES, ...READER_ROLES].map((r) => [r, { roleObjectId: rng.uuid(), roleTemplateId: rng.uuid() }] as const));
  return { domain, tenantId, users, admins: sortByIndex(admins), readers: sortByIndex(readers), policies, roleIds };
}

function sortByIndex(us: SimUser[]): SimUser[] {
  return [...us].sort((a, b) => a.index - b.index);
}

/** Whether the user holds a role containing "admin" (hunt 5's privileged accounts). */
export function isAdmin(u: SimUser): boolean {
  return u.roles.some((r) => r.toLowerCase().includes('admin'));
}

/** A directory role's ids, as AuditLogs names them. */
export function roleIdsOf(tenant: Tenant, role: string): { roleObjectId: string; roleTemplateId: string } {
  const ids = tenant.roleIds.get(role);
  if (!ids) throw new RangeError(`unknown role: ${role}`);
  return ids;
}
