// Canary secrets: every PIN a test uses is unique, so finding one in a response or a log line, raw or in any
// common encoding, proves a leak.

/** The forms a secret could take when it leaks. */
export function leakedForms(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  return [secret, bytes.toString("base64"), bytes.toString("base64url"), bytes.toString("hex"), encodeURIComponent(secret)];
}

/** The first secret found in the text, in any of its forms, or undefined. */
export function findLeak(text: string, secrets: Iterable<string>): string | undefined {
  for (const secret of secrets) {
    if (leakedForms(secret).some((form) => text.includes(form))) return secret;
  }
  return undefined;
}
