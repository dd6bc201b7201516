import { describe, expect, it } from "vitest";
import { containerfileProblems, readContainerfile } from "./containerfile.js";

// No container engine runs here: the image is checked by parsing and linting, not by building it.
const text = readContainerfile();

describe("deploy/container/Containerfile", () => {
  it("passes dockerfile-utils' linter and every check of what the image must be", () => {
    expect(containerfileProblems(text)).toEqual([]);
  });

  it.each([
    ["a syntax error", (t: string) => `${t}\nCOPY onlyone\n`, /COPY requires at least two arguments/],
    ["another base image", (t: string) => t.replaceAll("node:20-bookworm-slim", "node:18-alpine"), /Debian with Node\.js 20/],
    [
      "a file that is not in the repository",
      (t: string) => t.replace("deploy/container/softhsm2.conf", "deploy/container/missing.conf"),
      /missing\.conf does not exist/,
    ],
    ["no USER", (t: string) => t.replace("USER scws\n", ""), /would run as root/],
    ["USER root", (t: string) => t.replace("USER scws", "USER root"), /must not run as root/],
    ["another port", (t: string) => t.replace("EXPOSE 8930", "EXPOSE 8080"), /EXPOSE 8080: the configuration listens on 8930/],
    ["a health check on a path the API lacks", (t: string) => t.replace("/health/live", "/healthz"), /\/healthz, which is not a GET operation/],
    ["an entry point in shell form", (t: string) => t.replace(/ENTRYPOINT .*/, "ENTRYPOINT node /opt/open-scws/apps/server/dist/cli.js"), /exec form/],
    ["another stop signal", (t: string) => t.replace("STOPSIGNAL SIGTERM", "STOPSIGNAL SIGKILL"), /STOPSIGNAL must be SIGTERM/],
  ])("would catch %s", (_name, mutate, expected) => {
    expect(containerfileProblems(mutate(text)).join("\n")).toMatch(expected);
  });
});
