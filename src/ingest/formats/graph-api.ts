/**
 * Microsoft Graph API pages (`{ "value": [...], "@odata.nextLink": ... }`) of
 * auditLogs/signIns and auditLogs/directoryAudits, mapped onto the Sentinel
 * tables they feed (SigninLogs, AuditLogs) with one field map per endpoint,
 * so the table schemas see the columns they know. Graph fields the maps do
 * not name keep their value under the PascalCase name (deviceDetail ->
 * DeviceDetail), which is how Sentinel names them too; nested objects keep
 * their camelCase keys, as Sentinel's dynamic columns do.
 */
import type { TableName } from '../table-names.js';
import { isJsonObject, setOwn } from './own-keys.js';

/** A Graph field (dotted path into the Graph object) and the Sentinel columns it fills. */
interface FieldMapping {
  readonly graph: string;
  readonly columns: readonly string[];
}

const SIGN_INS: readonly FieldMapping[] = [
  { graph: 'createdDateTime', columns: ['TimeGenerated', 'CreatedDateTime'] },
  { graph: 'id', columns: ['Id'] },
  { graph: 'userPrincipalName', columns: ['UserPrincipalName'] },
  { graph: 'userId', columns: ['UserId'] },
  { graph: 'userDisplayName', columns: ['UserDisplayName'] },
  { graph: 'ipAddress', columns: ['IPAddress'] },
  { graph: 'appDisplayName', columns: ['AppDisplayName'] },
  { graph: 'appId', columns: ['AppId'] },
  { graph: 'status', columns: ['Status'] },
  { graph: 'status.errorCode', columns: ['ResultType'] },
  { graph: 'status.failureReason', columns: ['ResultDescription'] },
  { graph: 'riskLevelDuringSignIn', columns: ['RiskLevelDuringSignIn'] },
  { graph: 'riskLevelAggregated', columns: ['RiskLevelAggregated'] },
  { graph: 'riskState', columns: ['RiskState'] },
  { graph: 'riskDetail', columns: ['RiskDetail'] },
  { graph: 'correlationId', columns: ['CorrelationId'] },
  { graph: 'location', columns: ['LocationDetails'] },
  { graph: 'location.countryOrRegion', columns: ['Location'] },
  { graph: 'deviceDetail', columns: ['DeviceDetail'] },
  { graph: 'clientAppUsed', columns: ['ClientAppUsed'] },
  { graph: 'userAgent', columns: ['UserAgent'] },
  { graph: 'authenticationRequirement', columns: ['AuthenticationRequirement'] },
  { graph: 'conditionalAccessStatus', columns: ['ConditionalAccessStatus'] },
  { graph: 'isInteractive', columns: ['IsInteractive'] },
  { graph: 'resourceDisplayName', columns: ['ResourceDisplayName'] },
  { graph: 'resourceId', columns: ['ResourceIdentity'] },
  { graph: 'sessionId', columns: ['SessionId'] },
];

const DIRECTORY_AUDITS: readonly FieldMapping[] = [
  { graph: 'activityDateTime', columns: ['TimeGenerated', 'ActivityDateTime'] },
  { graph: 'id', columns: ['Id'] },
  { graph: 'activityDisplayName', columns: ['OperationName', 'ActivityDisplayName'] },
  { graph: 'category', columns: ['Category'] },
  { graph: 'result', columns: ['Result'] },
  { graph: 'resultReason', columns: ['ResultReason'] },
  { graph: 'initiatedBy', columns: ['InitiatedBy'] },
  { graph: 'targetResources', columns: ['TargetResources'] },
  { graph: 'correlationId', columns: ['CorrelationId'] },
  { graph: 'loggedByService', columns: ['LoggedByService'] },
  { graph: 'operationType', columns: ['AADOperationType'] },
  { graph: 'additionalDetails', columns: ['AdditionalDetails'] },
];

/** The Graph endpoints idgraph reads, their table and field map. */
const ENDPOINTS = {
  signIns: { table: 'SigninLogs', fields: SIGN_INS },
  directoryAudits: { table: 'AuditLogs', fields: DIRECTORY_AUDITS },
} as const satisfies Record<string, { table: TableName; fields: readonly FieldMapping[] }>;

export type GraphEndpoint = keyof typeof ENDPOINTS;

/** Whether a JSON object is a Graph collection page. */
export function isGraphPage(doc: Record<string, unknown>): boolean {
  if (!Array.isArray(doc['value'])) return false;
  const keys = Object.keys(doc);
  return keys.length === 1 || keys.some((k) => k.startsWith('@odata.'));
}

/** The endpoint a page came from: by its @odata.context / nextLink, else by the shape of its first element. */
export function graphEndpoint(doc: Record<string, unknown>): GraphEndpoint | undefined {
  const links = `${String(doc['@odata.context'] ?? '')} ${String(doc['@odata.nextLink'] ?? '')}`.toLowerCase();
  if (links.includes('signins')) return 'signIns';
  if (links.includes('directoryaudits')) return 'directoryAudits';
  const first = (doc['value'] as unknown[])[0];
  if (isJsonObject(first)) {
    if ('activityDisplayName' in first || 'activityDateTime' in first) return 'directoryAudits';
    if ('createdDateTime' in first && ('userPrincipalName' in first || 'appDisplayName' in first)) return 'signIns';
  }
  return undefined;
}

/** A Graph sign-in or directory-audit object as a Sentinel-shaped record (with its Type column). */
export function mapGraphRecord(endpoint: GraphEndpoint, item: Record<string, unknown>): Record<string, unknown> {
  const spec = ENDPOINTS[endpoint];
  const out: Record<string, unknown> = {};
  const mappedTop = new Set(spec.fields.map((f) => f.graph.split('.')[0]!));
  for (const [key, value] of Object.entries(item)) {
    if (mappedTop.has(key)) continue;
    setOwn(out, key.startsWith('@') ? key : key.charAt(0).toUpperCase() + key.slice(1), value);
  }
  for (const f of spec.fields) {
    const v = pathValue(item, f.graph);
    if (v === undefined) continue;
    for (const c of f.columns) setOwn(out, c, v);
  }
  let table: TableName = spec.table;
  // Graph beta lists non-interactive sign-ins in the same collection; Sentinel keeps them in their own table.
  const types = item['signInEventTypes'];
  if (endpoint === 'signIns' && Array.isArray(types) && types.includes('nonInteractiveUser') && !types.includes('interactiveUser')) {
    table = 'AADNonInteractiveUserSignInLogs';
  }
  setOwn(out, 'Type', table);
  return out;
}

function pathValue(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!isJsonObject(cur) || !Object.hasOwn(cur, part)) return undefined;
    cur = cur[part];
  }
  return cur;
}
