// Why a browser page could not reach the service: Chromium's Local Network Access permission (a page on a public
// origin must be allowed by the user to reach 127.0.0.1) fails a request exactly as a service that is not running
// does (a TypeError, at once), so the facade asks the Permissions API which of the two it was.

/** Why no candidate answered: `customData.reason` of findService's `MWR_SCWS_UNREACHABLE`. */
export type UnreachableReason = "local-network-access-denied" | "local-network-access-prompt" | "not-running";

// Chromium's names for the permission, newest first; a browser without Local Network Access knows none of them.
const PERMISSION_NAMES = ["local-network-access", "loopback-network", "local-network"] as const;

/** The Local Network Access permission of this page, or undefined where the runtime has no such permission (Node, other browsers). */
async function permissionState(): Promise<PermissionState | undefined> {
  const permissions = (globalThis as { navigator?: { permissions?: Permissions } }).navigator?.permissions;
  if (typeof permissions?.query !== "function") return undefined;
  for (const name of PERMISSION_NAMES) {
    try {
      return (await permissions.query({ name } as unknown as PermissionDescriptor)).state;
    } catch {
      // Not a permission this browser knows: try the next name.
    }
  }
  return undefined;
}

/** Whether the page itself is served from loopback, where Local Network Access does not apply. */
function pageOnLoopback(): boolean {
  const host = (globalThis as { location?: { hostname?: string } }).location?.hostname;
  return host === "localhost" || host === "[::1]" || host === "::1" || host?.startsWith("127.") === true || host?.endsWith(".localhost") === true;
}

/** Why the service was unreachable, with the message that tells the user or developer what to do. */
export async function unreachableReason(): Promise<{ reason: UnreachableReason; advice: string }> {
  const state = pageOnLoopback() ? undefined : await permissionState();
  if (state === "denied") {
    return {
      reason: "local-network-access-denied",
      advice:
        "The browser's Local Network Access permission is denied for this site, so the page may not reach the service: allow it in the site's settings (a frame also needs allow=\"local-network-access\").",
    };
  }
  if (state === "prompt") {
    return {
      reason: "local-network-access-prompt",
      advice: "This site lacks the browser's Local Network Access permission (allow it in the site's settings), or the service is not running.",
    };
  }
  return { reason: "not-running", advice: "Check that the service is running and listening on one of these ports." };
}
