#!/usr/bin/env node
// The package mirror this project is built against only carries the linux-x64 DuckDB bindings, so
// `npm install` leaves the other platforms' optional bindings out of package-lock.json and `npm ci`
// then refuses the lock as out of sync. This adds lock entries for those optional packages, marked
// with their os/cpu so npm skips them on this platform without fetching anything.
// Run after any `npm install` that rewrites the lock: `node scripts/lock-platform-stubs.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const platform = (name) => {
  const m = /-(darwin|linux|win32)-(arm64|x64)(-musl)?$/.exec(name);
  if (!m) return undefined;
  return { os: [m[1]], cpu: [m[2]], ...(m[1] === 'linux' ? { libc: [m[3] ? 'musl' : 'glibc'] } : {}) };
};
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    const plat = platform(dep);
    if (lock.packages[key] || !plat) continue;
    lock.packages[key] = { version, license: 'MIT', optional: true, ...plat };
    added++;
  }
  void path;
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
console.log(`lock-platform-stubs: added ${added} optional platform entries`);
