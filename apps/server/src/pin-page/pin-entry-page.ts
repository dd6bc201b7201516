// The service's own PIN page (SCWS's middleware PIN dialog): one small HTML document whose only script and style
// are inline and allowed by hash, so the Content-Security-Policy can forbid everything else: no other script, no
// frames around it, fetches to this origin only, no form posts anywhere. What it shows is escaped text.
import { createHash } from "node:crypto";
import type { PinPageFacts } from "./pin-requests.js";

const STYLE = `body{font:16px system-ui,sans-serif;max-width:26rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.3rem}input{font-size:1.2rem;width:100%;box-sizing:border-box;padding:.4rem;margin:.5rem 0}
button{font-size:1rem;padding:.4rem 1rem;margin-right:.5rem}#status{min-height:1.5rem;margin-top:1rem}
.who{color:#444;font-size:.9rem}`;

// Reads its request id from its own path, sends the PIN as JSON to the same path, shows the outcome. The PIN is
// cleared from the field as soon as it is sent.
const SCRIPT = `(() => {
  const form = document.getElementById("entry");
  const field = document.getElementById("pin");
  const status = document.getElementById("status");
  const buttons = form.querySelectorAll("button");
  const send = async (body) => {
    buttons.forEach((button) => { button.disabled = true; });
    status.textContent = "Checking...";
    try {
      const response = await fetch(location.pathname, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), credentials: "omit", cache: "no-store" });
      const answer = await response.json();
      if (response.ok) {
        status.textContent = answer.state === "cancelled" ? "Cancelled. You can close this window." : "Done. You can close this window.";
        document.body.dataset.state = answer.state;
        setTimeout(() => window.close(), 600);
      } else {
        status.textContent = (answer.detail || "The PIN was refused.") + " You can close this window.";
        document.body.dataset.state = "failed";
      }
    } catch {
      status.textContent = "The service did not answer. You can close this window.";
      document.body.dataset.state = "failed";
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const pin = field.value;
    field.value = "";
    void send({ pin });
  });
  document.getElementById("cancel").addEventListener("click", () => void send({ cancel: true }));
  field.focus();
})();`;

const hashOf = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/** The page's Content-Security-Policy: its own script and style by hash, nothing else. */
export const PIN_PAGE_POLICY =
  `default-src 'none'; script-src ${hashOf(SCRIPT)}; style-src ${hashOf(STYLE)}; connect-src 'self'; ` +
  "img-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Headers the page is served with. */
export const PIN_PAGE_HEADERS: Record<string, string> = {
  "content-security-policy": PIN_PAGE_POLICY,
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "cross-origin-opener-policy": "same-origin",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page for one pending request. */
export function pinEntryPage(facts: PinPageFacts): string {
  const which = facts.userType === "so" ? "Security Officer PIN" : "PIN";
  const why = facts.purpose === "credential" ? "The application will use it once to log in." : "It logs the application in to the token.";
  const who = facts.origin ? `Asked by ${escapeHtml(facts.origin)}` : "Asked by an application without a web origin";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>Enter your ${which}</title><style>${STYLE}</style></head>
<body data-state="pending"><h1>Enter the ${which} of “${escapeHtml(facts.tokenLabel)}”</h1>
<p class="who">${who}. ${why} The PIN goes to the smart card service on this computer, not to the web page.</p>
<form id="entry"><label for="pin">${which}</label><input id="pin" name="pin" type="password" autocomplete="off" required>
<button type="submit" id="ok">OK</button><button type="button" id="cancel">Cancel</button></form>
<p id="status" role="status"></p><script>${SCRIPT}</script></body></html>`;
}
