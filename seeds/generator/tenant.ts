/** The simulated tenant: users with their usual IPs, devices and cities, and the admins among them. */
import type { Rng } from './rng.js';

export interface SimUser {
  readonly upn: string;
  readonly displayName: string;
  readonly objectId: string;
  readonly ips: readonly string[];
  readonly city: { city: string; state: string; country: string; lat: number; lon: number };
  readonly deviceId: string;
  readonly deviceName: string;
  readonly roles: readonly string[];
  readonly department: string;
}

export interface Tenant {
  readonly domain: string;
  readonly tenantId: string;
  readonly users: readonly SimUser[];
}

const FIRST = ['alex', 'megan', 'lidia', 'diego', 'adele', 'grady', 'isaiah', 'johanna', 'lee', 'lynne', 'miriam', 'nestor', 'patti', 'pradeep', 'joni', 'henrietta', 'irvin', 'debra', 'christie', 'allan'];
const LAST = ['wilber', 'bowen', 'holloway', 'siciliani', 'vance', 'archie', 'langer', 'lauer', 'gu', 'robbins', 'graham', 'wilke', 'fernandez', 'gupta', 'sherman', 'mueller', 'sink', 'berg', 'cline', 'deyoung'];
const CITIES = [
  { city: 'Redmond', state: 'Washington', country: 'US', lat: 47.67, lon: -122.12 },
  { city: 'Seattle', state: 'Washington', country: 'US', lat: 47.6, lon: -122.33 },
  { city: 'New York', state: 'New York', country: 'US', lat: 40.71, lon: -74.0 },
  { city: 'Dublin', state: 'Dublin', country: 'IE', lat: 53.35, lon: -6.26 },
];
const ADMIN_ROLES = ['Global Administrator', 'Security Administrator', 'Exchange Administrator', 'User Administrator'];
const OTHER_ROLES = ['Reports Reader', 'Message Center Reader', 'Directory Readers'];
const DEPARTMENTS = ['Sales', 'Finance', 'IT', 'Legal', 'Marketing', 'Engineering'];

/** Builds a tenant of n users; about one in eight holds an admin role. */
export function buildTenant(rng: Rng, n: number): Tenant {
  const domain = 'contoso.com';
  const users: SimUser[] = [];
  const seen = new Set<string>();
  for (let i = 0; users.length < n; i++) {
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    let local = `${first}.${last}`;
    if (seen.has(local)) local = `${local}${i}`;
    seen.add(local);
    const office = `10.${rng.int(1, 40)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
    const home = `73.${rng.int(1, 250)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
    const roles = users.length % 8 === 0 ? [rng.pick(ADMIN_ROLES)] : users.length % 11 === 3 ? [rng.pick(OTHER_ROLES)] : [];
    users.push({
      upn: `${local}@${domain}`,
      displayName: `${first[0]!.toUpperCase()}${first.slice(1)} ${last[0]!.toUpperCase()}${last.slice(1)}`,
      objectId: rng.uuid(),
      ips: rng.chance(0.6) ? [office, home] : [office],
      city: rng.pick(CITIES),
      deviceId: rng.uuid(),
      deviceName: `DESKTOP-${rng.int(100000, 999999)}`,
      roles,
      department: rng.pick(DEPARTMENTS),
    });
  }
  return { domain, tenantId: rng.uuid(), users };
}
