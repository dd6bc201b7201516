// Checks of deploy/container/Containerfile that need no container engine: dockerfile-utils' linter, then
// what the image must be (Debian with Node.js 20, non-root, its files present in the repository, its port
// and health check matching the service's configuration and the OpenAPI document).
import { readFileSync } from "node:fs";
import { ConfigError, loadConfig } from "@open-scws/server";
import { type Copy, DockerfileParser, type Instruction } from "dockerfile-ast";
import { validate } from "dockerfile-utils";
import { existsInRepo, isGetPath, repoPath } from "./repo.js";

/** Where the build stage keeps the repository, and where the final image installs it. */
const BUILD_ROOT = "/src/";
const INSTALL_ROOT = "/opt/open-scws/";

function argumentsOf(instruction: Instruction): string[] {
  return instruction.getArguments().map((argument) => argument.getValue());
}

/** The JSON-array form of an instruction (`["node", "x.js"]`), or `undefined` for the shell form. */
function execForm(instruction: Instruction): string[] | undefined {
  const text = instruction.getArgumentsContent() ?? "";
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? (parsed as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Every problem of a Containerfile's text; empty when it passes. */
export function containerfileProblems(text: string): string[] {
  const problems = validate(text).map((diagnostic) => `line ${diagnostic.range.start.line + 1}: ${diagnostic.message}`);
  const dockerfile = DockerfileParser.parse(text);
  const stages = dockerfile.getFROMs();
  if (stages.length === 0) return [...problems, "no FROM"];
  for (const from of stages) {
    if (!from.getImageName()?.endsWith("node") || !/^20-(bookworm|trixie)/.test(from.getImageTag() ?? "")) {
      problems.push(`FROM ${from.getImageName()}:${from.getImageTag()}: every stage must be Debian with Node.js 20 (node:20-bookworm...)`);
    }
  }
  const finalStart = stages.at(-1)!.getRange().start.line;
  const instructions = dockerfile.getInstructions();
  const final = instructions.filter((instruction) => instruction.getRange().start.line >= finalStart);
  const keyword = (wanted: string) => final.filter((instruction) => instruction.getKeyword() === wanted);

  for (const copy of instructions.filter((instruction) => instruction.getKeyword() === "COPY") as Copy[]) {
    const sources = argumentsOf(copy)
      .filter((argument) => !argument.startsWith("--"))
      .slice(0, -1);
    for (const source of sources) {
      const fromStage = copy.getFromFlag()?.getValue();
      const relative = fromStage ? (source.startsWith(BUILD_ROOT) ? source.slice(BUILD_ROOT.length) : undefined) : source.replace(/^\.\/?/, "");
      if (relative === undefined) problems.push(`COPY --from=${fromStage} ${source}: not under ${BUILD_ROOT}, where the build stage keeps the repository`);
      else if (relative !== "" && !existsInRepo(relative)) problems.push(`COPY ${source}: ${relative} does not exist in the repository (after a build)`);
    }
  }

  const users = keyword("USER").map((instruction) => argumentsOf(instruction)[0] ?? "");
  const user = users.at(-1);
  if (!user) problems.push("the final stage has no USER: the image would run as root");
  else if (/^(root|0)(:|$)/.test(user)) problems.push(`USER ${user}: the image must not run as root`);
  else if (
    !/^\d+$/.test(user) &&
    !final.some((instruction) => instruction.getKeyword() === "RUN" && new RegExp(`useradd\\b[^&]*\\b${user}\\b`).test(argumentsOf(instruction).join(" ")))
  ) {
    problems.push(`USER ${user}: no RUN useradd makes this user in the final stage`);
  }

  const configCopy = keyword("COPY").find((instruction) => argumentsOf(instruction).at(-1) === "/etc/open-scws/config.yaml");
  let port: number | undefined;
  if (!configCopy) problems.push("the image has no /etc/open-scws/config.yaml");
  else {
    try {
      port = loadConfig({ file: repoPath(argumentsOf(configCopy)[0]!), env: {}, checkFiles: false }).config.listen.port;
    } catch (error) {
      problems.push(`the image's configuration is refused: ${error instanceof ConfigError ? error.problems.join("; ") : (error as Error).message}`);
    }
  }
  const exposed = keyword("EXPOSE").flatMap(argumentsOf);
  if (port !== undefined && !exposed.includes(String(port))) problems.push(`EXPOSE ${exposed.join(" ") || "(none)"}: the configuration listens on ${port}`);

  const healthcheck = keyword("HEALTHCHECK")[0];
  const probe = healthcheck ? /https?:\/\/(?:127\.0\.0\.1|localhost):(\d+)(\/[^'"\s)]*)/.exec(argumentsOf(healthcheck).join(" ")) : null;
  if (!probe) problems.push("no HEALTHCHECK calling the service on 127.0.0.1 or localhost");
  else {
    if (!isGetPath(probe[2]!)) problems.push(`HEALTHCHECK calls ${probe[2]}, which is not a GET operation of the OpenAPI document`);
    if (port !== undefined && Number(probe[1]) !== port) problems.push(`HEALTHCHECK calls port ${probe[1]}; the configuration listens on ${port}`);
  }

  const entrypoint = keyword("ENTRYPOINT")[0];
  const command = entrypoint ? execForm(entrypoint) : undefined;
  const script = command?.find((part) => part.startsWith(INSTALL_ROOT));
  if (!command) problems.push("no ENTRYPOINT in exec form (a shell would not pass SIGTERM on)");
  else if (!script || !existsInRepo(script.slice(INSTALL_ROOT.length)))
    problems.push(`ENTRYPOINT ${JSON.stringify(command)}: does not run a file of the repository under ${INSTALL_ROOT}`);
  if (!keyword("STOPSIGNAL").some((instruction) => argumentsOf(instruction)[0] === "SIGTERM"))
    problems.push("STOPSIGNAL must be SIGTERM: the service drains on it");
  return problems;
}

/** The Containerfile's text. */
export function readContainerfile(): string {
  return readFileSync(repoPath("deploy/container/Containerfile"), "utf8");
}
