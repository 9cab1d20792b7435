/**
 * The detector test harness itself, on a user detector in a temporary folder:
 * passing and failing cases with their diff, set comparison on listed columns,
 * harness errors for rejected events, and `idgraph test-detectors` exit status.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testDetectors } from '../../src/cli/commands/test-detectors.js';
import { builtinDetectorsDir, loadCatalog } from '../../src/detect/catalog.js';
import { casesPathFor, diffRows, formatCaseResult, loadCasesFile, runCases } from '../../src/detect/cases/run-cases.js';
import { isIdgraphError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'idgraph-cases-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DETECTOR = `
id: portal-password-failures
name: Failed Azure Portal passwords
description: Failed Azure Portal sign-ins with a bad password.
severity: low
tactics: [CredentialAccess]
techniques: [T1110]
tables: [SigninLogs]
pattern:
  match:
    - as: f
      edge: SIGNED_IN
      from: user
      to: ip
      where: f.app == 'Azure Portal' and f.resultType == 50126
  project:
    TimeGenerated: f.time
    UserPrincipalName: lower(f.upn)
    IPAddress: f.ip
`;
const signIn = (t: string, id: string, upn: string, ip: string, rt: string | number = '50126') =>
  JSON.stringify({ Type: 'SigninLogs', TimeGenerated: t, Id: id, CorrelationId: `c-${id}`, UserPrincipalName: upn, UserId: `oid-${id}`, IPAddress: ip, AppDisplayName: 'Azure Portal', ResultType: rt });

const CASES = `
detector: portal-password-failures
cases:
  - name: two failures, one success
    kind: positive
    range: { start: '2026-10-10T00:00:00Z', end: '2026-10-10T23:59:59.999Z' }
    events:
      - ${signIn('2026-10-10T01:00:00Z', 'a', 'Ann@contoso.com', '10.0.0.1')}
      - ${signIn('2026-10-10T02:00:00Z', 'b', 'bo@contoso.com', '10.0.0.2', 50126)}
      - ${signIn('2026-10-10T03:00:00Z', 'c', 'cy@contoso.com', '10.0.0.3', '0')}
    expect:
      - { UserPrincipalName: ann@contoso.com, TimeGenerated: '2026-10-10T01:00:00Z' }
      - { UserPrincipalName: bo@contoso.com, IPAddress: 10.0.0.2 }
  - name: a wrong expectation
    kind: negative
    range: { start: '2026-10-10T00:00:00Z', end: '2026-10-10T23:59:59.999Z' }
    events:
      - ${signIn('2026-10-10T01:00:00Z', 'd', 'dee@contoso.com', '10.0.0.4')}
    expect:
      - { UserPrincipalName: someone-else@contoso.com }
`;
writeFileSync(join(dir, 'portal-password-failures.yaml'), DETECTOR);
writeFileSync(join(dir, 'portal-password-failures.cases.yaml'), CASES);

const catalog = loadCatalog([builtinDetectorsDir(), dir]);
const entry = catalog.get('portal-password-failures')!;

describe('runCases', () => {
  const results = runCases(entry, loadCasesFile(casesPathFor(entry)!));

  it('runs each case in batch and streaming', () => {
    expect(results.map((r) => [r.case, r.mode, r.passed])).toEqual([
      ['two failures, one success', 'batch', true],
      ['two failures, one success', 'streaming', true],
      ['a wrong expectation', 'batch', false],
      ['a wrong expectation', 'streaming', false],
    ]);
  });

  it('reports the expected rows missing and the actual rows not expected', () => {
    const failed = results[2]!;
    expect(failed.missing).toEqual([{ UserPrincipalName: 'someone-else@contoso.com' }]);
    expect(failed.unexpected).toEqual([expect.objectContaining({ UserPrincipalName: 'dee@contoso.com', IPAddress: '10.0.0.4' })]);
    const text = formatCaseResult(failed);
    expect(text.startsWith('✗')).toBe(true);
    expect(text).toContain('missing:');
    expect(text).toContain('unexpected:');
  });

  it('compares rows as sets on the columns each expected row lists (one actual row per expected row)', () => {
    const p = entry.pattern;
    const actual = [{ UserPrincipalName: 'a', IPAddress: '1' }, { UserPrincipalName: 'a', IPAddress: '2' }];
    expect(diffRows(p, [{ IPAddress: '2' }, { UserPrincipalName: 'a' }], actual)).toEqual({ missing: [], unexpected: [] });
    expect(diffRows(p, [{ UserPrincipalName: 'a' }], actual).unexpected).toHaveLength(1);
    expect(diffRows(p, [{ UserPrincipalName: 'a' }, { UserPrincipalName: 'a' }, { UserPrincipalName: 'a' }], actual).missing).toHaveLength(1);
    // "0" and 0 are different values in output
    expect(diffRows(p, [{ IPAddress: 2 }], [{ IPAddress: '2' }]).missing).toHaveLength(1);
  });

  it('a rejected event is a harness error naming the file, case and event index', () => {
    const bad = join(dir, 'bad.cases.yaml');
    writeFileSync(
      bad,
      CASES.replace("TimeGenerated\":\"2026-10-10T02:00:00Z", 'TimeGenerated":"not a time'),
    );
    let caught: unknown;
    try {
      runCases(entry, loadCasesFile(bad));
    } catch (err) {
      caught = err;
    }
    expect(isIdgraphError(caught, 'BAD_INPUT')).toBe(true);
    expect((caught as { details: unknown }).details).toMatchObject({ file: bad, case: 'two failures, one success', event: 1 });
  });

  it('a malformed cases file is INVALID_DETECTOR naming the field', () => {
    const bad = join(dir, 'malformed.cases.yaml');
    writeFileSync(bad, 'detector: x\ncases:\n  - name: n\n    kind: sideways\n');
    let caught: unknown;
    try {
      loadCasesFile(bad);
    } catch (err) {
      caught = err;
    }
    expect(isIdgraphError(caught, 'INVALID_DETECTOR')).toBe(true);
    expect((caught as { details: { issues: { path: string }[] } }).details.issues.map((i) => i.path)).toContain('cases.0.kind');
  });
});

describe('idgraph test-detectors', () => {
  it('fails (exit status) when a case fails, printing ✓/✗ per case and the diff', () => {
    let text = '';
    const { ok, reports } = testDetectors(['portal-password-failures'], { dir: [dir], out: (s) => (text += s) });
    expect(ok).toBe(false);
    expect(reports).toHaveLength(1);
    expect(text).toMatch(/✓ portal-password-failures › two failures, one success \[positive, batch\]/);
    expect(text).toMatch(/✗ portal-password-failures › a wrong expectation \[negative, streaming\]/);
    expect(text).toContain('"UserPrincipalName":"someone-else@contoso.com"');
    expect(text).toMatch(/2 passed, 2 failed/);
  });

  it('prints JSON with --json', () => {
    let text = '';
    testDetectors(['portal-password-failures'], { dir: [dir], json: true, out: (s) => (text += s) });
    const doc = JSON.parse(text) as { ok: boolean; detectors: { detector: string; results: unknown[] }[] };
    expect(doc.ok).toBe(false);
    expect(doc.detectors[0]!.results).toHaveLength(4);
  });
});
