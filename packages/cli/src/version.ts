/** The CLI's version, reported by `tracecheck version` and sent to servers. */
export const CLI_VERSION = '0.1.0';
