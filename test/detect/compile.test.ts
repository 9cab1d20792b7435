import { describe, expect, it } from 'vitest';
import { loadCatalog, loadDetectorDocument } from '../../src/detect/catalog.js';
import { isIdgraphError } from '../../src/errors.js';

const base = () => ({
  id: 'crafted',
  name: 'crafted',
  description: 'a crafted detector for tests',
  severity: 'low',
  tactics: ['Persistence'],
  techniques: ['T1556.006'],
  tables: ['AuditLogs'],
  pattern: {
    match: [{ as: 'reg', edge: 'SECURITY_INFO', from: 'user', to: 'method', where: "reg.result =~ 'success'" }],
    project: { T: 'reg.time', U: 'user.key' },
  },
});

function expectInvalid(doc: unknown, construct: RegExp): void {
  try {
    loadDetectorDocument(doc, 'crafted.yaml');
    expect.unreachable('should have thrown');
  } catch (err) {
    expect(isIdgraphError(err, 'INVALID_DETECTOR')).toBe(true);
    expect((err as Error).message).toMatch(/crafted\.yaml/);
    expect((err as Error).message).toMatch(construct);
  }
}

describe('detector compilation', () => {
  it('loads every built-in detector, ids unique, with metadata and columns', () => {
    const catalog = loadCatalog();
    const ids = [...catalog.keys()];
    for (const id of [
      'mfa-registration-unseen-ip',
      'account-mfa-modifications',
      'risky-signin-device-registration',
      'unfamiliar-signin-portal-role-change',
      'privileged-account-failed-mfa',
    ]) {
      expect(ids).toContain(id);
    }
    expect(ids.length).toBeGreaterThanOrEqual(8);
    for (const e of catalog.values()) {
      expect(e.definition.tactics.length).toBeGreaterThan(0);
      expect(e.pattern.columns.length).toBeGreaterThan(0);
    }
  });

  it('a crafted minimal detector compiles and infers node kinds from the schema', () => {
    const e = loadDetectorDocument(base(), 'crafted.yaml');
    expect([...e.pattern.nodeVars.get('user')!]).toEqual(['User']);
    expect([...e.pattern.nodeVars.get('method')!]).toEqual(['MfaMethod']);
    expect(e.pattern.project.find((c) => c.name === 'T')!.isTime).toBe(true);
  });

  it('names the field path of a schema violation', () => {
    const d = base();
    (d.pattern.match[0] as Record<string, unknown>).edge = 'NOT_AN_EDGE';
    expectInvalid(d, /pattern\.match\.0\.edge/);
  });

  it('rejects an unknown occurrence property naming clause and edge kind', () => {
    const d = base();
    d.pattern.match[0]!.where = "reg.nosuch == 'x'";
    expectInvalid(d, /pattern\.match\[0\]\.where: SECURITY_INFO occurrences have no property 'nosuch'/);
  });

  it('rejects a node variable used with incompatible kinds', () => {
    const d = base();
    d.pattern.match.push({ as: 's', edge: 'SIGNED_IN', from: 'method', to: 'ip', where: 's.resultType == 0' });
    expectInvalid(d, /node variable 'method' cannot be both/);
  });

  it('rejects unknown parameters and aggregates outside group', () => {
    const d = base();
    d.pattern.match[0]!.where = 'reg.time > $nosuch';
    expectInvalid(d, /unknown parameter \$nosuch/);
    const g = base();
    g.pattern.project = { T: 'count()', U: 'user.key' };
    expectInvalid(g, /aggregate count\(\) is only allowed/);
  });

  it('rejects reading an absent clause outside it, and a relative window on a match clause', () => {
    const d = base() as ReturnType<typeof base> & { pattern: Record<string, unknown> };
    d.pattern.absent = [{ as: 'x', edge: 'SIGNED_IN', from: 'user', to: 'ip' }];
    d.pattern.project = { T: 'x.time', U: 'user.key' };
    expectInvalid(d, /'x' is a absent clause/);
    const w = base();
    w.pattern.match.push({ as: 's', edge: 'SIGNED_IN', from: 'user', to: 'ip', window: { from: 'reg.time' } } as never);
    expectInvalid(w, /match clause window may use parameters only/);
  });

  it('rejects sort and entity columns that are not output columns', () => {
    const d = base() as ReturnType<typeof base> & { pattern: Record<string, unknown>; entities?: unknown };
    d.pattern.sort = [{ column: 'Nope' }];
    expectInvalid(d, /pattern\.sort\[0\]: 'Nope' is not an output column/);
  });
});
