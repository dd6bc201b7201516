// The page's DOM helpers: elements are built with textContent only, so nothing the service or a token says is
// ever read as HTML; and the small renderers the demo shares.

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/** An element with attributes (`hidden`, `disabled`... as booleans) and children (nodes or text). */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === undefined) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...children.filter((child) => child !== undefined && child !== null));
  return element;
}

/** Fills a description list with term/value pairs; values that are undefined are left out. */
export function facts(list, entries) {
  list.replaceChildren(
    ...entries
      .filter(([, value]) => value !== undefined)
      .flatMap(([term, value]) => [el("dt", {}, term), el("dd", {}, value instanceof Node ? value : String(value))]),
  );
}

/** A small coloured label: good news or bad news. */
export const badge = (text, good) => el("span", { class: `badge ${good ? "ok" : "problem"}` }, text);

/** Bytes as hex. */
export const hex = (buffer) => [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, "0")).join("");

/** What to tell a person about a failure: the SCWS code and message, and the PIN's remaining tries when known. */
export function errorText(error) {
  const tries = error?.customData?.remainingTries;
  const code = error?.code ? `${error.code}: ` : "";
  const message = error?.message ?? String(error);
  // The service's message already says how many tries remain: tell it once.
  const told = tries === undefined || new RegExp(`\\b${tries} tr(?:y|ies)\\b`).test(message);
  return `${code}${message}${told ? "" : ` (${tries} ${tries === 1 ? "try" : "tries"} left)`}`;
}

/** A date as a person reads it, in their language and time zone, with the exact instant in `datetime`. */
export function humanDate(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return el("span", {}, String(iso));
  return el("time", { datetime: date.toISOString() }, date.toLocaleString(undefined, { dateStyle: "long", timeStyle: "short" }));
}

const MAX_EVENTS = 50;

/** Adds a line to the events list, newest first. */
export function logEvent(text) {
  const now = new Date();
  const line = el("li", {}, el("time", { datetime: now.toISOString() }, now.toLocaleTimeString()), text);
  const list = $("events");
  list.prepend(line);
  while (list.children.length > MAX_EVENTS) list.lastElementChild.remove();
}

/** Shows or hides a set of elements by id. */
export function show(visible, ...ids) {
  for (const id of ids) $(id).hidden = !visible;
}
