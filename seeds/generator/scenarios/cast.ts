/**
 * Who plays which part in the stories, chosen once from the tenant: four
 * admins (the AiTM victim, the sprayed admin, and two near misses), a reader,
 * and people without roles. These accounts are reserved: the background lets
 * them sign in but gives them no audits, devices or alerts of its own.
 */
import type { Rng } from '../rng.js';
import type { SimUser, Tenant } from '../tenant.js';

export interface Cast {
  readonly aitmVictim: SimUser;
  readonly aitmRoleTarget: SimUser;
  readonly aitmMfaTargets: readonly SimUser[];
  readonly sprayVictim: SimUser;
  readonly sprayTargets: readonly SimUser[];
  readonly fatigueVictim: SimUser;
  readonly newCountryVictim: SimUser;
  readonly usualIpRegistrant: SimUser;
  readonly lateDeviceOwner: SimUser;
  readonly earlyDeviceOwner: SimUser;
  readonly portalAdminNotAlerted: SimUser;
  readonly alertedOther: SimUser;
  readonly reader: SimUser;
  readonly multifactorAdmin: SimUser;
  /** Indexes of the users the background must leave alone. */
  readonly reserved: ReadonlySet<number>;
}

/** Chooses the cast (needs at least 5 admins, a Security Reader and 11 users without roles). */
export function chooseCast(rng: Rng, tenant: Tenant): Cast {
  const admins = tenant.admins;
  const plain = rng.shuffle(tenant.users.filter((u) => u.roles.length === 0));
  const reader = tenant.readers.find((u) => u.roles.includes('Security Reader'));
  if (admins.length < 5 || !reader || plain.length < 11) throw new RangeError('tenant too small for the stories');
  let next = 0;
  const take = (): SimUser => plain[next++]!;
  const cast = {
    aitmVictim: admins[0]!,
    sprayVictim: admins[1]!,
    multifactorAdmin: admins[2]!,
    portalAdminNotAlerted: admins[3]!,
    aitmRoleTarget: take(),
    fatigueVictim: take(),
    newCountryVictim: take(),
    usualIpRegistrant: take(),
    lateDeviceOwner: take(),
    earlyDeviceOwner: take(),
    alertedOther: take(),
    reader,
  };
  const aitmMfaTargets = [take(), take(), take()];
  const reserved = new Set([...Object.values(cast), ...aitmMfaTargets].map((u) => u.index));
  // The spray hits admins and people outside the other stories.
  const sprayTargets = [...admins.slice(4), ...plain.slice(next)].filter((u) => !reserved.has(u.index)).slice(0, 12);
  if (sprayTargets.length < 5) throw new RangeError('tenant too small for the password spray');
  return { ...cast, aitmMfaTargets, sprayTargets, reserved };
}
