// The portal's pages: what each one is called, where its source is, and the navigation that lists them.

/** A guide written in Markdown, rendered to `<slug>.html`. */
export interface Guide {
  readonly slug: string;
  readonly title: string;
  /** One line for the portal's home page. */
  readonly summary: string;
}

/** The guides, in reading order; each is guides/<slug>.md. */
export const guides: readonly Guide[] = [
  { slug: "getting-started", title: "Getting started", summary: "Run the service on a demo token and make your first calls." },
  {
    slug: "applications",
    title: "Applications and environments",
    summary: "Registering web applications, signing challenges, environments, mutual mode and the audit log.",
  },
  { slug: "pin-life-cycle", title: "The PIN life cycle", summary: "PIN states, tries, locking and what the service does about them." },
  { slug: "smart-cards", title: "Using real smart cards", summary: "Readers, OpenSC and vendor modules, hot-plug, PINs, PUKs and what the service adds." },
  { slug: "handling-errors", title: "Errors and how to handle them", summary: "Problem details, SCWS codes, retries, and what to show the user." },
  { slug: "migrating", title: "Moving SCWS code over", summary: "From Idopte's SCWS JavaScript API to open SCWS." },
  { slug: "configuration", title: "Configuration", summary: "The configuration file, environment variables and every option." },
  { slug: "deploying", title: "Deploying and operating", summary: "systemd, containers, Kubernetes; health, metrics, logs, shutdown." },
];

/** The portal's top navigation: label and relative link. */
export const navigation: ReadonlyArray<readonly [string, string]> = [
  ["Home", "./"],
  ["API reference", "api.html"],
  ["Guides", "getting-started.html"],
  ["Error codes", "errors.html"],
  ["Configuration", "configuration.html"],
];
