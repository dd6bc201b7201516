// How browser tests start Chromium: Debian's package (never a downloaded browser), headless, and always with the
// browser's web security on, so that what a test sees of CORS is what a person's browser does.

/** The options for playwright-core's `chromium.launch()`. */
export interface ChromiumLaunchOptions {
  readonly executablePath: string;
  readonly args: string[];
}

/**
 * Chromium at `CHROMIUM_PATH`, or Debian's `/usr/bin/chromium`, headless. It takes no extra flags on purpose: none
 * that turns CORS off (`--disable-web-security`) can slip into a test.
 * @example const browser = await chromium.launch(chromiumLaunchOptions());
 */
export function chromiumLaunchOptions(): ChromiumLaunchOptions {
  return {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  };
}
