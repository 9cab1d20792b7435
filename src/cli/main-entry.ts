/** Runs the CLI from source (tests spawn it with tsx; the package's bin runs the built copy). */
import { main } from './main.js';

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`idgraph: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
