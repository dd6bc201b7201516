// The error catalogue page, generated from @open-scws/errors: one entry per code, with the anchor that the
// problem `type` URIs the service emits point at (/docs/errors#CODE).
import { type CatalogueEntry, type ErrorCode, type ErrorOrigin, errorCatalogue, problemTypeFor } from "@open-scws/errors";
import { escapeHtml } from "./page.js";

const ORIGINS: ReadonlyArray<readonly [ErrorOrigin, string, string]> = [
  ["token", "Reported by the token", "The token or its PKCS#11 module answered with this CKR_* value; the service passes it on."],
  ["service", "Decided by the service", "The service refused the request itself (validation, Host allow-list, limits), before or instead of asking the token."],
  ["client", "Raised by the client library", "The client could not reach the service or understand its answer; the service never sends these."],
  ["mobile", "Idopte mobile platforms only", "Kept so that code written for SCWS on phones compiles; this service never raises them."],
];

/** The `id` of a code's entry: the code itself, as in `/docs/errors#CKR_PIN_INCORRECT`. */
export function anchorOf(code: ErrorCode): string {
  return problemTypeFor(code).slice(problemTypeFor(code).indexOf("#") + 1);
}

function entryHtml(code: ErrorCode, entry: CatalogueEntry): string {
  const rows: Array<[string, string]> = [
    ["Meaning", escapeHtml(entry.description)],
    ["What to do", escapeHtml(entry.remedy)],
    ["HTTP status", entry.httpStatus === null ? "never sent by the service" : String(entry.httpStatus)],
    ["Origin", escapeHtml(entry.origin)],
    ["Retryable", entry.retryable ? "yes: the same request may succeed later" : "no: change something first"],
  ];
  if (entry.pkcs11Value !== undefined) rows.push(["PKCS#11 value", `<code>0x${entry.pkcs11Value.toString(16).toUpperCase().padStart(8, "0")}</code>`]);
  const cells = rows.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join("");
  const id = anchorOf(code);
  // What the filter matches: the entry's own words, not the labels every entry shares ("Retryable", "HTTP status"),
  // plus "retryable" for the codes that are.
  const search = [code, entry.title, entry.description, entry.remedy, entry.httpStatus ?? "", entry.origin, entry.retryable ? "retryable" : ""]
    .join(" ")
    .toLowerCase();
  return `<article class="error-code" id="${id}" data-code="${code}" data-origin="${entry.origin}" data-search="${escapeHtml(search)}"><h3><a href="#${id}">${code}</a> <span class="error-title">${escapeHtml(entry.title)}</span></h3><dl>${cells}</dl></article>`;
}

/** The body of errors.html, and the list of codes for its side navigation. */
export function errorCatalogueHtml(): { body: string; aside: string } {
  const entries = Object.entries(errorCatalogue) as Array<[ErrorCode, CatalogueEntry]>;
  const groups = ORIGINS.map(([origin, heading, explanation]) => {
    const members = entries.filter(([, entry]) => entry.origin === origin).sort(([a], [b]) => a.localeCompare(b));
    return { origin, heading, explanation, members };
  }).filter((group) => group.members.length > 0);
  const sections = groups.map(
    (group) =>
      `<section class="error-group" id="origin-${group.origin}"><h2>${group.heading} <small>(<span class="error-count" data-total="${group.members.length}">${group.members.length}</span>)</small></h2><p>${group.explanation}</p>${group.members.map(([code, entry]) => entryHtml(code, entry)).join("\n")}</section>`,
  );
  const body = `<h1>Error codes</h1>
<p>Every failure the service answers is an RFC 9457 <code>application/problem+json</code> body whose <code>code</code> is one of the
${entries.length} codes below, and whose <code>type</code> links to the code's entry here (<code>/docs/errors#CODE</code>). Match on
<code>code</code>, never on <code>detail</code> or <code>title</code>; <code>customData</code> carries the structured extras. The
<a href="handling-errors.html">errors guide</a> explains how to handle them.</p>
<p><label for="error-filter">Filter: </label><input id="error-filter" type="search" placeholder="CKR_PIN, 503, retryable..." autocomplete="off"></p>
${sections.join("\n")}`;
  const aside = groups
    .map(
      (group) =>
        `<h4><a href="#origin-${group.origin}">${group.heading}</a></h4><ul>${group.members.map(([code]) => `<li><a href="#${code}">${code}</a></li>`).join("")}</ul>`,
    )
    .join("");
  return { body, aside };
}
