/**
 * The detector catalog: reads detector files (YAML or JSON) from the built-in
 * detectors/ folder and any folders the user adds, validates them with the
 * zod schema and compiles them. Adding a detector is adding a file.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { IdgraphError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { compileDetector, type CompiledPattern } from './compile.js';
import { DetectorSchema, type DetectorDefinition } from './definition.js';

/** A loaded detector: its definition, compiled pattern and the file it came from. */
export interface CatalogEntry {
  readonly definition: DetectorDefinition;
  readonly pattern: CompiledPattern;
  readonly file: string;
}

/** The built-in detectors folder. */
export function builtinDetectorsDir(): string {
  return join(packageRoot(), 'detectors');
}

const DETECTOR_FILE = /\.(ya?ml|json)$/i;
const CASES_FILE = /\.cases\.(ya?ml|json)$/i;

/** Parses a YAML or JSON document, naming the file on a syntax error. */
export function readDocument(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  try {
    return extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new IdgraphError('INVALID_DETECTOR', `${file}: ${(err as Error).message}`, { file });
  }
}

/** Validates and compiles one detector document; errors name the file and the field path. */
export function loadDetectorDocument(doc: unknown, file: string): CatalogEntry {
  const parsed = DetectorSchema.safeParse(doc);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const first = issues[0]!;
    throw new IdgraphError('INVALID_DETECTOR', `${file}: ${first.path || '(root)'}: ${first.message}`, { file, issues });
  }
  try {
    return { definition: parsed.data, pattern: compileDetector(parsed.data), file };
  } catch (err) {
    if (err instanceof IdgraphError) throw new IdgraphError(err.code, `${file}: ${err.message}`, { file, ...(err.details as object) });
    throw err;
  }
}

/** Detector files in a folder (cases files excluded), sorted. */
export function detectorFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => DETECTOR_FILE.test(f) && !CASES_FILE.test(f))
    .sort()
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** Loads every detector from the given folders (built-ins first unless told otherwise); ids must be unique. */
export function loadCatalog(dirs: readonly string[] = [builtinDetectorsDir()]): Map<string, CatalogEntry> {
  const out = new Map<string, CatalogEntry>();
  for (const dir of dirs) {
    for (const file of detectorFiles(dir)) {
      const entry = loadDetectorDocument(readDocument(file), file);
      const dup = out.get(entry.definition.id);
      if (dup) throw new IdgraphError('INVALID_DETECTOR', `${file}: detector id ${entry.definition.id} is already defined in ${dup.file}`);
      out.set(entry.definition.id, entry);
    }
  }
  return out;
}

/** Picks detectors by id ("all" or none for every one); unknown ids are an error listing the known ones. */
export function selectDetectors(catalog: ReadonlyMap<string, CatalogEntry>, ids: readonly string[]): CatalogEntry[] {
  if (ids.length === 0 || (ids.length === 1 && ids[0] === 'all')) return [...catalog.values()];
  return ids.map((id) => {
    const e = catalog.get(id);
    if (!e) throw new IdgraphError('NOT_FOUND', `unknown detector ${id} (known: ${[...catalog.keys()].join(', ')})`);
    return e;
  });
}
