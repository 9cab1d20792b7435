import { statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { isIdgraphError } from '../../src/errors.js';
import { prepareRecord } from '../../src/ingest/prepare.js';
import { rawJson, rawRecord } from '../../src/ingest/prepared-event.js';
import { fixture, readAll, tempDir } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = tempDir();
});

const signIn = (i: number, extra: Record<string, unknown> = {}) => ({
  TimeGenerated: `2026-01-0${(i % 9) + 1}T10:00:00Z`,
  Id: `id-${i}`,
  UserPrincipalName: `user${i}@contoso.com`,
  IPAddress: '10.0.0.1',
  ResultType: '0',
  ...extra,
});
const ndjson = (...objs: unknown[]) => objs.map((o) => JSON.stringify(o)).join('\n') + '\n';

describe('NDJSON', () => {
  it('reads records with 1-based lines, skipping blank lines, with CRLF and a BOM', async () => {
    const body = '\ufeff' + [JSON.stringify(signIn(1)), '', '   ', JSON.stringify(signIn(2))].join('\r\n') + '\r\n';
    const path = fixture(dir, 'SigninLogs.crlf.ndjson', body);
    const { records, rejects } = await readAll({ path });
    expect(rejects).toEqual([]);
    expect(records.map((r) => r.line)).toEqual([1, 4]);
    expect(records.map((r) => r.record['Id'])).toEqual(['id-1', 'id-2']);
    expect(records.every((r) => r.table === 'SigninLogs' && r.file === path)).toBe(true);
    // the BOM is not part of the first key, CR not part of the last value
    expect(Object.keys(records[0]!.record)[0]).toBe('TimeGenerated');
  });

  it('keeps the line as the raw event and lets the parsed record go; the record reads back equal', async () => {
    // Spaces and key order as written: the store keeps the line, not a re-serialised record.
    const line = '{ "TimeGenerated": "2026-01-02T10:00:00Z", "Id": "t1", "UserPrincipalName": "a@b.c", "IPAddress": "1.2.3.4", "ResultType": 0, "LocationDetails": {"city": "Azor"} }';
    const path = fixture(dir, 'SigninLogs.text.ndjson', `${line}\r\n${JSON.stringify(signIn(2))}\n`);
    const { records } = await readAll({ path });
    const p = prepareRecord(records[0]!);
    if ('kind' in p) throw new Error(p.message);
    expect(p.raw).toBeNull();
    expect(rawJson(p)).toBe(line);
    expect(rawRecord(p)).toEqual(JSON.parse(line));
    // A record without text of its own (a JSON array's element, an API body) is kept as parsed.
    const q = prepareRecord({ ...records[0]!, text: undefined });
    if ('kind' in q) throw new Error(q.message);
    expect(q.raw).toBe(records[0]!.record);
    expect(rawRecord(q)).toBe(records[0]!.record);
  });

  it('rejects a truncated line with its line number and reads on', async () => {
    const body = [JSON.stringify(signIn(1)), JSON.stringify(signIn(2)).slice(0, 30), JSON.stringify(signIn(3))].join('\n');
    const path = fixture(dir, 'SigninLogs.truncated.ndjson', body);
    const { records, rejects } = await readAll({ path });
    expect(records.map((r) => r.line)).toEqual([1, 3]);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ kind: 'rejected', file: path, line: 2, path: '' });
    expect(rejects[0]!.message).toMatch(/invalid JSON/);
  });

  it('reads a 10 MB line whole', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    const path = fixture(dir, 'SigninLogs.big.ndjson', ndjson(signIn(1, { UserAgent: big }), signIn(2)));
    const { records, rejects } = await readAll({ path });
    expect(rejects).toEqual([]);
    expect(records).toHaveLength(2);
    expect((records[0]!.record['UserAgent'] as string).length).toBe(big.length);
    expect(records[1]!.line).toBe(2);
  });

  it('rejects a line of invalid UTF-8 and keeps the others', async () => {
    const bad = Buffer.concat([Buffer.from('{"Id":"bad","UserPrincipalName":"a'), Buffer.from([0xc3, 0x28]), Buffer.from('@x.com"}\n')]);
    const path = fixture(dir, 'SigninLogs.utf8.ndjson', Buffer.concat([Buffer.from(ndjson(signIn(1))), bad, Buffer.from(ndjson(signIn(3)))]));
    const { records, rejects } = await readAll({ path });
    expect(records.map((r) => r.line)).toEqual([1, 3]);
    expect(rejects).toMatchObject([{ line: 2, message: 'invalid UTF-8' }]);
  });

  it('keeps __proto__ and constructor as plain own keys without polluting prototypes', async () => {
    const line = '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"TimeGenerated":"2026-01-01T00:00:00Z","Id":"p","UserPrincipalName":"a@b.c","IPAddress":"1.2.3.4","ResultType":0}\n';
    const path = fixture(dir, 'SigninLogs.proto.ndjson', line);
    const { records } = await readAll({ path });
    const rec = records[0]!.record;
    expect(Object.hasOwn(rec, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(rec)).toBe(Object.prototype);
    const p = prepareRecord(records[0]!);
    expect('kind' in p).toBe(false);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('reads a stream given with a name, table from that name', async () => {
    const stream = Readable.from([Buffer.from(ndjson(signIn(1)).slice(0, 20)), Buffer.from(ndjson(signIn(1)).slice(20))]);
    const { records } = await readAll({ stream, name: 'AADNonInteractiveUserSignInLogs.ndjson' });
    expect(records).toHaveLength(1);
    expect(records[0]!.table).toBe('AADNonInteractiveUserSignInLogs');
    expect(records[0]!.file).toBe('AADNonInteractiveUserSignInLogs.ndjson');
  });
});

describe('JSON array', () => {
  it('streams elements numbered index + 1, brackets and commas inside strings included', async () => {
    const recs = [signIn(1, { UserAgent: 'a, "b" [c] {d} \\' }), signIn(2, { DeviceDetail: { deviceId: 'x', list: [1, [2, { y: ']' }]] } })];
    const path = fixture(dir, 'SigninLogs.array.json', JSON.stringify(recs, null, 2));
    const { records, rejects } = await readAll({ path });
    expect(rejects).toEqual([]);
    expect(records.map((r) => r.line)).toEqual([1, 2]);
    expect(records.map((r) => r.record)).toEqual(recs);
  });

  it('rejects a bad element by its number and reads the rest', async () => {
    const body = `[${JSON.stringify(signIn(1))}, {"Id": }, 42, ${JSON.stringify(signIn(4))}]`;
    const path = fixture(dir, 'SigninLogs.badelement.json', body);
    const { records, rejects } = await readAll({ path });
    expect(records.map((r) => r.line)).toEqual([1, 4]);
    expect(rejects.map((r) => r.line)).toEqual([2, 3]);
    expect(rejects[1]!.message).toMatch(/expected a JSON object/);
  });

  it('reports a truncated array', async () => {
    const body = `[${JSON.stringify(signIn(1))}, ${JSON.stringify(signIn(2)).slice(0, 25)}`;
    const path = fixture(dir, 'SigninLogs.trunc.json', body);
    const { records, rejects } = await readAll({ path });
    expect(records).toHaveLength(1);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]!.line).toBe(2);
    expect(rejects[0]!.message).toMatch(/truncated/);
  });

  it('rejects an element with invalid UTF-8, never crashing', async () => {
    const body = Buffer.concat([Buffer.from(`[${JSON.stringify(signIn(1))}, {"Id":"`), Buffer.from([0xff, 0xfe]), Buffer.from(`"}, ${JSON.stringify(signIn(3))}]`)]);
    const path = fixture(dir, 'SigninLogs.utf8.json', body);
    const { records, rejects } = await readAll({ path });
    expect(records.map((r) => r.line)).toEqual([1, 3]);
    expect(rejects).toMatchObject([{ line: 2, message: 'invalid UTF-8' }]);
  });
});

describe('Microsoft Graph API pages', () => {
  const graphSignIn = {
    id: 'g-1',
    createdDateTime: '2026-02-01T12:00:00Z',
    userPrincipalName: 'Bob@Contoso.com',
    userId: 'B0B-ID',
    appDisplayName: 'Azure Portal',
    ipAddress: '203.0.113.9',
    clientAppUsed: 'Browser',
    correlationId: 'corr-1',
    riskLevelDuringSignIn: 'none',
    status: { errorCode: 50126, failureReason: 'Invalid username or password' },
    location: { city: 'Oslo', countryOrRegion: 'NO' },
    deviceDetail: { deviceId: '', browser: 'Edge' },
  };

  it('maps signIns onto SigninLogs columns (pretty-printed page)', async () => {
    const page = { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns', value: [graphSignIn], '@odata.nextLink': 'https://graph.microsoft.com/v1.0/auditLogs/signIns?$skiptoken=x' };
    const path = fixture(dir, 'page1.json', JSON.stringify(page, null, 2));
    const { records, rejects } = await readAll({ path });
    expect(rejects).toEqual([]);
    const rec = records[0]!;
    expect(rec.table).toBe('SigninLogs');
    expect(rec.record).toMatchObject({
      TimeGenerated: '2026-02-01T12:00:00Z',
      UserPrincipalName: 'Bob@Contoso.com',
      IPAddress: '203.0.113.9',
      AppDisplayName: 'Azure Portal',
      ResultType: 50126,
      ResultDescription: 'Invalid username or password',
      Location: 'NO',
      ClientAppUsed: 'Browser',
      Id: 'g-1',
    });
    const p = prepareRecord(rec);
    if ('kind' in p) throw new Error(p.message);
    expect(p.facts.edges[0]!.props).toMatchObject({ resultType: '50126', statusCode: '50126', city: 'Oslo', location: 'NO', upn: 'Bob@Contoso.com' });
    expect(p.facts.edges[0]!.from.key).toBe('bob@contoso.com');
  });

  it('maps directoryAudits onto AuditLogs columns (one-line page, endpoint from the shape)', async () => {
    const audit = {
      id: 'Directory_1',
      activityDateTime: '2026-02-01T12:05:00Z',
      activityDisplayName: 'User registered security info',
      category: 'UserManagement',
      result: 'success',
      correlationId: 'c-2',
      initiatedBy: { user: { id: 'u1', userPrincipalName: 'bob@contoso.com', ipAddress: '198.51.100.7' } },
      targetResources: [{ id: 'u1', displayName: 'Microsoft Authenticator App', userPrincipalName: 'bob@contoso.com' }],
    };
    const path = fixture(dir, 'audits.json', JSON.stringify({ value: [audit] }));
    const { records } = await readAll({ path });
    expect(records[0]!.table).toBe('AuditLogs');
    expect(records[0]!.record).toMatchObject({ OperationName: 'User registered security info', TimeGenerated: '2026-02-01T12:05:00Z', Category: 'UserManagement' });
    const p = prepareRecord(records[0]!);
    if ('kind' in p) throw new Error(p.message);
    expect(p.facts.edges.map((e) => e.kind)).toEqual(['SECURITY_INFO']);
  });
});

describe('Log Analytics query API responses', () => {
  it('takes the table from tables[].name when it is a table, JSON text dynamics parsed by the schema', async () => {
    const resp = {
      tables: [
        {
          name: 'SigninLogs',
          columns: [
            { name: 'TimeGenerated', type: 'datetime' },
            { name: 'Id', type: 'string' },
            { name: 'UserPrincipalName', type: 'string' },
            { name: 'IPAddress', type: 'string' },
            { name: 'ResultType', type: 'string' },
            { name: 'Status', type: 'dynamic' },
          ],
          rows: [
            ['2026-03-01T00:00:00Z', 'la-1', 'c@contoso.com', '192.0.2.1', '50126', '{"errorCode":50126,"additionalDetails":"bad pw"}'],
            ['2026-03-01T00:01:00Z', 'la-2', 'c@contoso.com', '192.0.2.1', '0', '{"errorCode":0}'],
          ],
        },
      ],
    };
    const path = fixture(dir, 'query-result.json', JSON.stringify(resp));
    const { records } = await readAll({ path });
    expect(records.map((r) => [r.table, r.line])).toEqual([
      ['SigninLogs', 1],
      ['SigninLogs', 2],
    ]);
    const p = prepareRecord(records[0]!);
    if ('kind' in p) throw new Error(p.message);
    expect(p.facts.edges[0]!.props['statusDetails']).toBe('bad pw');
  });

  it('falls back to --table when the table is PrimaryResult', async () => {
    const resp = { tables: [{ name: 'PrimaryResult', columns: [{ name: 'TimeGenerated', type: 'datetime' }, { name: 'AccountUPN', type: 'string' }], rows: [['2026-03-01T00:00:00Z', 'x@y.z']] }] };
    const path = fixture(dir, 'primary.json', JSON.stringify(resp));
    expect((await readAll({ path })).rejects[0]!.message).toMatch(/unknown table/);
    const { records } = await readAll({ path }, { table: 'identityinfo' });
    expect(records[0]!.table).toBe('IdentityInfo');
  });
});

describe('portal CSV', () => {
  const header = 'TimeGenerated [UTC],Id,UserPrincipalName,IPAddress,ResultType,Status_dynamic,Status_string,LocationDetails_dynamic,LocationDetails_string,Type';
  it('reads records with line = record number + 1, a multi-line quoted field included', async () => {
    const rows = [
      header,
      '"4/28/2021, 2:08:45.221 PM",c-1,Dana@Contoso.com,192.0.2.5,50126,"{\n  ""errorCode"": 50126,\n  ""additionalDetails"": ""MFA required""\n}",,"{""city"":""Azor""}",,SigninLogs',
      '"4/28/2021, 2:09:00.000 AM",c-2,dana@contoso.com,192.0.2.5,0,,"{""errorCode"":0}",,,SigninLogs',
    ];
    const path = fixture(dir, 'SigninLogs.portal.csv', '\ufeff' + rows.join('\r\n') + '\r\n');
    const { records, rejects } = await readAll({ path });
    expect(rejects).toEqual([]);
    expect(records.map((r) => r.line)).toEqual([2, 3]);
    const a = prepareRecord(records[0]!);
    const b = prepareRecord(records[1]!);
    if ('kind' in a || 'kind' in b) throw new Error('rejected');
    expect(a.time).toBe(Date.UTC(2021, 3, 28, 14, 8, 45, 221));
    expect(b.time).toBe(Date.UTC(2021, 3, 28, 2, 9, 0, 0));
    expect(a.facts.edges[0]!.props).toMatchObject({ statusCode: '50126', statusDetails: 'MFA required', city: 'Azor', resultType: '50126' });
    // X_string folds in when X_dynamic is empty
    expect(b.facts.edges[0]!.props['statusCode']).toBe('0');
    // raw keeps the columns as exported
    expect(Object.hasOwn(rawRecord(a), 'TimeGenerated [UTC]')).toBe(true);
    expect(Object.hasOwn(rawRecord(a), 'TimeGenerated')).toBe(false);
  });

  it('rejects a row with the wrong number of fields or invalid UTF-8, and reads on', async () => {
    const good = '2026-01-01T00:00:00Z,c-9,e@contoso.com,192.0.2.9,0,,,,,SigninLogs';
    const body = Buffer.concat([
      Buffer.from([header, good, 'too,few', ''].join('\n')),
      Buffer.from('2026-01-01T00:00:00Z,c-8,'),
      Buffer.from([0xe2, 0x28, 0xa1]),
      Buffer.from('@contoso.com,192.0.2.9,0,,,,,SigninLogs\n'),
      Buffer.from(good.replace('c-9', 'c-10') + '\n'),
    ]);
    const path = fixture(dir, 'SigninLogs.bad.csv', body);
    const { records, rejects } = await readAll({ path });
    expect(records.map((r) => [r.line, r.record['Id']])).toEqual([
      [2, 'c-9'],
      [5, 'c-10'],
    ]);
    expect(rejects.map((r) => r.line)).toEqual([3, 4]);
    expect(rejects[1]!.message).toMatch(/invalid UTF-8 in column UserPrincipalName/);
  });

  it('does not let a __proto__ header reach a prototype', async () => {
    const path = fixture(dir, 'SigninLogs.proto.csv', '__proto__,TimeGenerated,Id,UserPrincipalName\nevil,2026-01-01T00:00:00Z,x,f@contoso.com\n');
    const { records } = await readAll({ path });
    expect(Object.hasOwn(records[0]!.record, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(records[0]!.record)).toBe(Object.prototype);
    expect('kind' in prepareRecord(records[0]!)).toBe(false);
  });
});

describe('gzip', () => {
  it('reads gzip of NDJSON, of a JSON array and of CSV, table from the first word of the name', async () => {
    const nd = fixture(dir, 'SigninLogs.ndjson.gz', gzipSync(ndjson(signIn(1), signIn(2))));
    const arr = fixture(dir, 'AuditLogs.json.gz', gzipSync(JSON.stringify([{ TimeGenerated: '2026-01-01T00:00:00Z', Id: 'a1', OperationName: 'x' }])));
    const csv = fixture(dir, 'IdentityInfo.export.csv.gz', gzipSync('TimeGenerated,AccountUPN,AssignedRoles\n2026-01-01T00:00:00Z,g@contoso.com,"[""Global Administrator""]"\n'));
    expect((await readAll({ path: nd })).records.map((r) => r.table)).toEqual(['SigninLogs', 'SigninLogs']);
    expect((await readAll({ path: arr })).records.map((r) => r.table)).toEqual(['AuditLogs']);
    const id = await readAll({ path: csv });
    expect(id.records.map((r) => r.table)).toEqual(['IdentityInfo']);
    expect(id.records[0]!.line).toBe(2);
  });

  it('turns corrupt gzip into a reject, not a crash', async () => {
    const good = gzipSync(ndjson(signIn(1), signIn(2), signIn(3)));
    const corrupt = Buffer.concat([good.subarray(0, 20), Buffer.alloc(40, 0x55)]);
    const path = fixture(dir, 'SigninLogs.corrupt.ndjson.gz', corrupt);
    const { rejects } = await readAll({ path });
    expect(rejects.length).toBeGreaterThanOrEqual(1);
    expect(rejects.at(-1)!.message).toMatch(/unreadable input/);
  });
});

describe('table of a record', () => {
  it('rejects records no rule gives a table', async () => {
    const path = fixture(dir, 'events.ndjson', ndjson({ TimeGenerated: '2026-01-01T00:00:00Z', Foo: 1 }));
    const { rejects } = await readAll({ path });
    expect(rejects).toMatchObject([{ kind: 'rejected', line: 1, path: 'Type', message: 'unknown table: give --table or a Type column' }]);
  });

  it('skips rows whose Type is a table idgraph does not ingest', async () => {
    const path = fixture(dir, 'mixed.ndjson', ndjson({ Type: 'DeviceEvents', Timestamp: '2026-01-01T00:00:00Z' }, signIn(1, { Type: 'SigninLogs' })));
    const { records, rejects } = await readAll({ path });
    expect(records.map((r) => r.table)).toEqual(['SigninLogs']);
    expect(rejects).toMatchObject([{ kind: 'skipped', table: 'DeviceEvents', line: 1 }]);
  });

  it('uses the file name when Type holds a value that is not a table (a query overwrote it)', async () => {
    const path = fixture(dir, 'AuditLogs.query.ndjson', ndjson({ Type: 'Application', TimeGenerated: '2026-01-01T00:00:00Z', Id: 'z' }));
    expect((await readAll({ path })).records.map((r) => r.table)).toEqual(['AuditLogs']);
  });

  it('prefers Type over --table over the file name, and resolves the older Defender name', async () => {
    const path = fixture(dir, 'SigninLogs.prefs.ndjson', ndjson({ Type: 'AADSignInEventsBeta', Timestamp: '2026-01-01T00:00:00Z' }, { Timestamp: '2026-01-01T00:00:00Z' }));
    const { records } = await readAll({ path }, { table: 'CloudAppEvents' });
    expect(records.map((r) => r.table)).toEqual(['EntraIdSignInEvents', 'CloudAppEvents']);
  });

  it('throws UNKNOWN_TABLE for an unknown --table and BAD_INPUT for a missing file', async () => {
    const path = fixture(dir, 'x.ndjson', ndjson(signIn(1)));
    await expect(readAll({ path }, { table: 'NoSuchTable' })).rejects.toSatisfy((e: unknown) => isIdgraphError(e, 'UNKNOWN_TABLE'));
    await expect(readAll({ path: `${dir}/missing.ndjson` })).rejects.toSatisfy((e: unknown) => isIdgraphError(e, 'BAD_INPUT'));
  });

  it('gives each record the file time to fall back on', async () => {
    const path = fixture(dir, 'AuditLogs.notime.csv', 'Id,OperationName\na,b\n');
    const { records } = await readAll({ path });
    expect(records[0]!.fallbackTime).toBe(Math.floor(statSync(path).mtimeMs));
  });

  it('reads an empty file as no records', async () => {
    const path = fixture(dir, 'SigninLogs.empty.ndjson', '\n \n');
    expect(await readAll({ path })).toEqual({ records: [], rejects: [] });
  });
});
