/**
 * `idgraph test-detectors [ids...] [--dir DIR ...] [--json]`: runs the cases
 * beside each detector file (`<id>.cases.yaml`) in batch and streaming and
 * reports per case; exit code 1 when any case fails or a cases file is broken.
 * Built-in detectors and those in --dir folders get the same tool.
 */
import type { Command } from 'commander';
import { builtinDetectorsDir, loadCatalog, selectDetectors } from '../../detect/catalog.js';
import { casesPathFor, formatCaseResult, loadCasesFile, runCases, type CaseResult } from '../../detect/cases/run-cases.js';

export interface TestDetectorsOptions {
  dir?: string[];
  json?: boolean;
  /** Where output goes (stdout by default). */
  out?: (text: string) => void;
}

/** Outcome per detector: its case results, or why its cases could not run. */
export interface DetectorCasesReport {
  readonly detector: string;
  readonly casesFile: string | null;
  readonly results: readonly CaseResult[];
  readonly error?: string;
}

/** Runs the cases of the selected detectors; returns the reports and whether everything passed. */
export function testDetectors(ids: readonly string[], options: TestDetectorsOptions = {}): { reports: DetectorCasesReport[]; ok: boolean } {
  const out = options.out ?? ((s: string) => process.stdout.write(s));
  const catalog = loadCatalog([builtinDetectorsDir(), ...(options.dir ?? [])]);
  const reports: DetectorCasesReport[] = [];
  for (const entry of selectDetectors(catalog, ids)) {
    const id = entry.definition.id;
    const path = casesPathFor(entry);
    if (!path) {
      reports.push({ detector: id, casesFile: null, results: [] });
      continue;
    }
    try {
      reports.push({ detector: id, casesFile: path, results: runCases(entry, loadCasesFile(path)) });
    } catch (err) {
      reports.push({ detector: id, casesFile: path, results: [], error: (err as Error).message });
    }
  }
  const ok = reports.every((r) => !r.error && r.results.every((c) => c.passed));
  if (options.json) {
    out(`${JSON.stringify({ ok, detectors: reports }, null, 2)}\n`);
  } else {
    let passed = 0;
    let failed = 0;
    for (const r of reports) {
      if (r.casesFile === null) {
        out(`- ${r.detector}: no cases file\n`);
        continue;
      }
      out(`${r.detector} (${r.casesFile})\n`);
      if (r.error) {
        failed++;
        out(`  ✗ cannot run cases: ${r.error}\n`);
      }
      for (const c of r.results) {
        if (c.passed) passed++;
        else failed++;
        out(`  ${formatCaseResult(c).replace(/\n/g, '\n  ')}\n`);
      }
    }
    out(`${passed} passed, ${failed} failed\n`);
  }
  return { reports, ok };
}

/** Registers the test-detectors command. */
export function register(program: Command): void {
  program
    .command('test-detectors')
    .description("run detectors' cases (events in, rows expected out) in batch and streaming")
    .argument('[ids...]', 'detector ids (default: every detector)')
    .option('--dir <dir...>', 'extra folders of detector files (with their .cases.yaml files)')
    .option('--json', 'print the results as JSON')
    .action((ids: string[], opts: { dir?: string[]; json?: boolean }) => {
      const { ok } = testDetectors(ids, opts);
      if (!ok) process.exitCode = 1;
    });
}
