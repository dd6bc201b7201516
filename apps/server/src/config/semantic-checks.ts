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

function duplicates(ids: readonly string[], option: string, problems: string[]): void {
  ids.forEach((id, index) => {
    const first = ids.indexOf(id);
    if (first !== index) problems.push(`${option}[${index}].id: "${id}" is already the id of ${option}[${first}]`);
  });
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

function publicKeyProblem(pem: string): string | undefined {
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType === "ed25519") return undefined;
    if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1") return undefined;
    const detail = key.asymmetricKeyType === "ec" ? `EC ${key.asymmetricKeyDetails?.namedCurve}` : key.asymmetricKeyType;
    return `is a ${detail} key; use Ed25519 or EC P-256`;
  } catch {
    return "is not a PEM public key (-----BEGIN PUBLIC KEY-----)";
  }
}

/** Checks a configuration that the schema accepted. */
export function semanticChecks(config: ServiceConfig): CheckResult {
  const problems: string[] = [];
  const warnings: string[] = [];
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
  duplicates(
    config.modules.map((module) => module.id),
    "modules",
    problems,
  );
  config.modules.forEach((module, index) => {
    if (!existsSync(module.library)) {
      warnings.push(`modules[${index}].library: ${module.library} does not exist; the service will start and report the module "${module.id}" as failed`);
    }
  });
  config.exposeTokens.forEach((uri, index) => {
    try {
      parsePkcs11Uri(uri);
    } catch (error) {
      problems.push(`exposeTokens[${index}]: ${(error as Error).message}`);
    }
  });
  duplicates(
    config.applications.map((application) => application.id),
    "applications",
    problems,
  );
  config.applications.forEach((application, index) => {
    application.origins.forEach((origin, originIndex) => {
      const problem = originProblem(origin);
      if (problem) problems.push(`applications[${index}].origins[${originIndex}]: "${origin}" ${problem}`);
    });
    const keyProblem = publicKeyProblem(application.publicKey);
    if (keyProblem) problems.push(`applications[${index}].publicKey: ${keyProblem}`);
  });
  return { problems, warnings };
}
