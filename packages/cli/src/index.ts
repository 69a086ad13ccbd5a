export type { CliIo, OutputStream } from './io.ts';
export { EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError } from './io.ts';
export { main } from './main.ts';
