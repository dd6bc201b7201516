// The library's version, as `SCWS.version` reports it; a test keeps it equal to package.json's.

/** The version of @open-scws/client. */
export const version = "0.1.0";
