/** The `--detectors <dir...>` option every detector-running command shares, and the catalog it selects. */
import type { Command } from 'commander';
import { builtinDetectorsDir, loadCatalog, type CatalogEntry } from '../detect/catalog.js';

/** Adds `--detectors <dir...>` (extra folders of detector files, beside the built-ins). */
export function withDetectorDirs(cmd: Command): Command {
  return cmd.option('--detectors <dir...>', 'extra folders of detector files (YAML or JSON), loaded beside the built-in ones');
}

/** Loads the built-in detectors plus those in the folders given with --detectors. */
export function catalogFromOptions(opts: { detectors?: string[] }): Map<string, CatalogEntry> {
  return loadCatalog([builtinDetectorsDir(), ...(opts.detectors ?? [])]);
}
