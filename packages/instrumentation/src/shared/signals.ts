/**
 * Telling a second SIGINT/SIGTERM ("stop now") from the same one delivered twice.
 *
 * A terminal's Ctrl-C reaches every process of the foreground process group, and launchers
 * that forward signals to their child (`npm run`, the `toolscope` launcher) deliver it to the
 * child a second time within moments. Only a signal that comes clearly after the first one
 * counts as "again".
 */
export const REPEATED_SIGNAL_WINDOW_MS = 300;
