/**
 * The cases file of a detector (`<id>.cases.yaml` beside the detector file):
 * raw events in, the exact set of rows expected out, per named case. The
 * built-in detectors ship with one, and `idgraph test-detectors` runs those of
 * user detectors the same way.
 */
import { z } from 'zod';

const IsoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 time');

/** One expected output row: column → value as formatRow renders it (times ISO 8601). Unlisted columns are not compared. */
export const ExpectedRowSchema = z.record(z.string(), z.unknown());

export const CASE_KINDS = ['positive', 'negative', 'reversed-order', 'outside-window', 'late-arrival', 'boundary'] as const;

export const CaseSchema = z
  .object({
    name: z.string().min(1),
    kind: z.enum(CASE_KINDS),
    description: z.string().optional(),
    range: z.object({ start: IsoTime, end: IsoTime }).strict().describe('the batch run range, inclusive both ends'),
    params: z.record(z.string(), z.union([z.string(), z.number()])).optional().describe('parameter overrides (durations as 30d, 6h...)'),
    mode: z.enum(['batch', 'streaming', 'both']).default('both'),
    events: z
      .array(z.record(z.string(), z.unknown()).refine((r) => typeof r['Type'] === 'string', 'each event needs Type (its table)'))
      .min(1)
      .describe('raw records, in Microsoft column names, Type = the table'),
    arrival: z
      .array(z.number().int().nonnegative())
      .optional()
      .describe('streaming arrival order as indices into events (default: time order)'),
    expect: z.array(ExpectedRowSchema).describe('the exact set of rows a batch run over range returns'),
    expectStreaming: z
      .array(ExpectedRowSchema)
      .optional()
      .describe('the final streaming rows, when they differ by design (streaming has no range; anchored windows)'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (Date.parse(c.range.start) > Date.parse(c.range.end)) ctx.addIssue({ code: 'custom', path: ['range'], message: 'start is after end' });
    if (c.arrival) {
      const n = c.events.length;
      const seen = new Set(c.arrival);
      if (c.arrival.length !== n || seen.size !== n || c.arrival.some((i) => i >= n)) {
        ctx.addIssue({ code: 'custom', path: ['arrival'], message: `must be a permutation of 0..${n - 1}` });
      }
    }
  });

export const CasesFileSchema = z
  .object({
    detector: z.string().min(1),
    cases: z.array(CaseSchema).min(1),
  })
  .strict()
  .superRefine((f, ctx) => {
    const names = new Set<string>();
    f.cases.forEach((c, i) => {
      if (names.has(c.name)) ctx.addIssue({ code: 'custom', path: ['cases', i, 'name'], message: `duplicate case name ${c.name}` });
      names.add(c.name);
    });
  });

export type ExpectedRow = z.infer<typeof ExpectedRowSchema>;
export type DetectorCase = z.infer<typeof CaseSchema>;
export type CasesFile = z.infer<typeof CasesFileSchema>;
export type CaseKind = (typeof CASE_KINDS)[number];
