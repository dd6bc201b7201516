// Checks a JSON Schema cannot express: unique ids, real origins and keys, RFC 7512 URIs, loopback in local mode.
import { createPublicKey } from "node:crypto";
import { existsSync } from "node:fs";
import { isIP } from "node:net";
import { parsePkcs11Uri } from "./pkcs11-uri.js";
import type { ServiceConfig } from "./service-config.js";

/** What is wrong (refused) and what is doubtful (reported, not refused). */
export interface CheckResult {
  readonly problems: string[];
  readonly warnings: string[];
}

function duplicates(ids: readonly unknown[], option: string, problems: string[]): void {
  ids.forEach((id, index) => {
    const first = ids.indexOf(id);
    if (typeof id === "string" && first !== index) problems.push(`${option}[${index}].id: "${id}" is already the id of ${option}[${first}]`);
  });
}

/**
 * Runs each check on its own: the checks also run on a configuration the schema refused (so that every problem is
 * reported in one pass), where a check that meets a value of the wrong shape throws; the schema has reported that.
 */
function eachOnItsOwn(checks: ReadonlyArray<() => void>): void {
  for (const check of checks) {
    try {
      check();
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
    }
  }
}

/** Whether a host is a loopback address or name. */
export function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1" || host === "[::1]";
}

/** What is wrong with an origin, or `undefined` when it is one (scheme://host[:port]). */
export function originProblem(origin: string): string | undefined {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must use http or https";
  if (url.origin !== origin) return `is not an origin (scheme://host[:port], no path or trailing slash); did you mean "${url.origin}"?`;
  return undefined;
}

const EC_CURVES = new Set(["prime256v1", "secp384r1", "secp521r1"]);

function publicKeyProblem(pem: string): string | undefined {
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType === "ed25519") return undefined;
    if (key.asymmetricKeyType === "ec" && EC_CURVES.has(key.asymmetricKeyDetails?.namedCurve ?? "")) return undefined;
    if (key.asymmetricKeyType === "rsa") {
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      return bits >= 2048 ? undefined : `is an RSA key of ${bits} bits; use 2048 bits or more`;
    }
    const detail = key.asymmetricKeyType === "ec" ? `EC ${key.asymmetricKeyDetails?.namedCurve}` : key.asymmetricKeyType;
    return `is a ${detail} key; use Ed25519, EC P-256, P-384 or P-521, or RSA`;
  } catch {
    return "is not a PEM public key (-----BEGIN PUBLIC KEY-----)";
  }
}

/** Checks a configuration that the schema accepted; `checkFiles` false leaves out whether named files exist here. */
export function semanticChecks(config: ServiceConfig, { checkFiles = true }: { readonly checkFiles?: boolean } = {}): CheckResult {
  const problems: string[] = [];
  const warnings: string[] = [];
  eachOnItsOwn([
    () => checkListen(config, problems),
    () =>
      duplicates(
        config.modules.map((module) => module.id),
        "modules",
        problems,
      ),
    () => checkModules(config, warnings),
    () => checkExposedTokens(config, problems),
    () =>
      duplicates(
        config.applications.map((application) => application.id),
        "applications",
        problems,
      ),
    () => eachOnItsOwn(config.applications.map((application, index) => () => checkApplication(application, index, problems))),
    () => checkSharedMode(config, problems, warnings, checkFiles),
  ]);
  return { problems, warnings };
}

function checkListen(config: ServiceConfig, problems: string[]): void {
  if (config.mode === "local" && !isLoopback(config.listen.host)) {
    problems.push(`listen.host: "${config.listen.host}" is not a loopback address; local mode listens on loopback only (set mode: shared to listen elsewhere)`);
  } else if (isIP(config.listen.host.replace(/^\[|\]$/g, "")) === 0 && !/^[A-Za-z0-9.-]+$/.test(config.listen.host)) {
    problems.push(`listen.host: "${config.listen.host}" is neither an IP address nor a host name`);
  }
  if (config.http.headersTimeoutMs > config.http.requestTimeoutMs) {
    problems.push(
      `http.headersTimeoutMs: ${config.http.headersTimeoutMs} is longer than http.requestTimeoutMs (${config.http.requestTimeoutMs}); the headers are part of the request`,
    );
  }
}

function checkModules(config: ServiceConfig, warnings: string[]): void {
  config.modules.forEach((module, index) => {
    if (typeof module.library === "string" && !existsSync(module.library)) {
      warnings.push(`modules[${index}].library: ${module.library} does not exist; the service will start and report the module "${module.id}" as failed`);
    }
  });
}

function checkExposedTokens(config: ServiceConfig, problems: string[]): void {
  config.exposeTokens.forEach((uri, index) => {
    try {
      parsePkcs11Uri(uri);
    } catch (error) {
      problems.push(`exposeTokens[${index}]: ${(error as Error).message}`);
    }
  });
}

function checkApplication(application: ServiceConfig["applications"][number], index: number, problems: string[]): void {
  application.origins.forEach((origin, originIndex) => {
    const problem = originProblem(origin);
    if (problem) problems.push(`applications[${index}].origins[${originIndex}]: "${origin}" ${problem}`);
  });
  if (application.publicKey === undefined) {
    if (!application.trustOrigin) problems.push(`applications[${index}].publicKey: is required unless trustOrigin is true`);
  } else {
    if (application.trustOrigin) problems.push(`applications[${index}].trustOrigin: an application with a publicKey must not also trust its origins`);
    const keyProblem = publicKeyProblem(application.publicKey);
    if (keyProblem) problems.push(`applications[${index}].publicKey: ${keyProblem}`);
  }
}

/** Listening beyond loopback needs shared mode and TLS; shared mode's clients need API keys. */
function checkSharedMode(config: ServiceConfig, problems: string[], warnings: string[], checkFiles: boolean): void {
  if (!isLoopback(config.listen.host) && config.mode === "shared" && !config.tls) {
    problems.push(`tls: is required to listen on ${config.listen.host}, beyond loopback; give tls.certFile and tls.keyFile`);
  }
  for (const option of ["certFile", "keyFile"] as const) {
    const file = config.tls?.[option];
    if (checkFiles && file !== undefined && !existsSync(file)) problems.push(`tls.${option}: ${file} does not exist`);
  }
  duplicates(
    config.apiKeys.map((key) => key.id),
    "apiKeys",
    problems,
  );
  config.apiKeys.forEach((key, index) => {
    key.tokens.forEach((uri, uriIndex) => {
      try {
        parsePkcs11Uri(uri);
      } catch (error) {
        problems.push(`apiKeys[${index}].tokens[${uriIndex}]: ${(error as Error).message}`);
      }
    });
  });
  if (config.mode === "shared" && config.apiKeys.length === 0) {
    problems.push("apiKeys: shared mode needs at least one API key (open-scws create-api-key makes one)");
  }
  if (config.mode === "local" && config.apiKeys.length > 0) warnings.push("apiKeys: API keys are used in shared mode only; local mode ignores them");
}
