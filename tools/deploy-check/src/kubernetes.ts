// Checks of deploy/kubernetes/: each manifest against the Kubernetes API schemas (kubernetes-models), then
// the manifests against each other and against the service (labels, ports, probe paths in the OpenAPI
// document, the ConfigMap's configuration through the service's own loader, drain time within the grace).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig, type ServiceConfig } from "@open-scws/server";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Service } from "kubernetes-models/v1/Service";
import { parseAllDocuments } from "yaml";
import { existsInRepo, isGetPath, repoPath } from "./repo.js";

type Json = Record<string, unknown>;
type Manifests = Record<string, Json>;

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "v1/ConfigMap": ConfigMap,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "networking.k8s.io/v1/Ingress": Ingress,
};

/** Reads kustomization.yaml and every manifest it lists, keyed by file name. */
export function readManifests(dir = repoPath("deploy/kubernetes")): { kustomization: Json; manifests: Manifests } {
  const kustomization = parseAllDocuments(readFileSync(join(dir, "kustomization.yaml"), "utf8"))[0]!.toJS() as Json;
  const manifests: Manifests = {};
  for (const file of (kustomization.resources ?? []) as string[]) {
    const documents = parseAllDocuments(readFileSync(join(dir, file), "utf8"));
    if (documents.length !== 1) throw new Error(`${file}: one manifest per file`);
    manifests[file] = documents[0]!.toJS() as Json;
  }
  return { kustomization, manifests };
}

function byKind(manifests: Manifests, kind: string): Json | undefined {
  return Object.values(manifests).find((manifest) => manifest.kind === kind);
}

const get = (value: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((node, key) => (node === undefined || node === null ? undefined : (node as Json)[key]), value);

function configOf(configMap: Json, problems: string[]): ServiceConfig | undefined {
  const text = ((get(configMap, "data") ?? {}) as Json)["config.yaml"] as string | undefined;
  if (!text) {
    problems.push("ConfigMap: no data.config.yaml");
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), "scws-k8s-config-"));
  try {
    writeFileSync(join(dir, "config.yaml"), text);
    return loadConfig({ file: join(dir, "config.yaml"), env: {}, checkFiles: false }).config;
  } catch (error) {
    problems.push(`ConfigMap config.yaml is refused by the service: ${error instanceof ConfigError ? error.problems.join("; ") : (error as Error).message}`);
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function schemaProblems(manifests: Manifests): string[] {
  return Object.entries(manifests).flatMap(([file, manifest]) => {
    const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
    if (!Model) return [`${file}: no schema for ${String(manifest.apiVersion)} ${String(manifest.kind)}`];
    try {
      new Model(manifest as never).validate();
      return [];
    } catch (error) {
      return [`${file}: ${(error as Error).message}`];
    }
  });
}

function deploymentProblems(deployment: Json, service: Json, config: ServiceConfig | undefined): string[] {
  const problems: string[] = [];
  const pod = get(deployment, "spec.template.spec") as Json;
  const labels = (get(deployment, "spec.template.metadata.labels") ?? {}) as Record<string, string>;
  const matches = (selector: unknown) => Object.entries((selector ?? {}) as Record<string, string>).every(([key, value]) => labels[key] === value);
  if (!matches(get(deployment, "spec.selector.matchLabels"))) problems.push("Deployment: spec.selector does not match the pod template's labels");
  if (!matches(get(service, "spec.selector"))) problems.push("Service: spec.selector does not match the Deployment's pods");
  const container = ((pod.containers ?? []) as Json[])[0] ?? {};
  const ports = (container.ports ?? []) as Json[];
  const portNumber = (port: unknown) => (typeof port === "number" ? port : ports.find((entry) => entry.name === port)?.containerPort);
  if (config && !ports.some((port) => port.containerPort === config.listen.port))
    problems.push(`Deployment: no containerPort ${config.listen.port}, where the configuration listens`);
  for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
    const path = get(container, `${probe}.httpGet.path`) as string | undefined;
    if (!path) problems.push(`Deployment: ${probe} is not an httpGet probe`);
    else if (!isGetPath(path)) problems.push(`Deployment: ${probe} calls ${path}, which is not a GET operation of the OpenAPI document`);
    const port = portNumber(get(container, `${probe}.httpGet.port`));
    if (config && port !== config.listen.port)
      problems.push(`Deployment: ${probe} calls port ${String(get(container, `${probe}.httpGet.port`))}, not ${config.listen.port}`);
  }
  if (get(container, "livenessProbe.httpGet.path") !== "/health/live")
    problems.push("Deployment: the liveness probe must be /health/live (a failing module must not restart the pod)");
  if (get(container, "readinessProbe.httpGet.path") !== "/health/ready") problems.push("Deployment: the readiness probe must be /health/ready");
  for (const port of (get(service, "spec.ports") ?? []) as Json[]) {
    if (config && portNumber(port.targetPort) !== config.listen.port)
      problems.push(`Service: targetPort ${String(port.targetPort)} is not the container's port`);
  }
  const securityContext = { ...((pod.securityContext ?? {}) as Json), ...((container.securityContext ?? {}) as Json) };
  if (securityContext.runAsNonRoot !== true || securityContext.runAsUser === 0) problems.push("Deployment: the pod must run as non-root");
  if (securityContext.allowPrivilegeEscalation !== false) problems.push("Deployment: allowPrivilegeEscalation must be false");
  const grace = (pod.terminationGracePeriodSeconds as number | undefined) ?? 30;
  const preStop = Number(((get(container, "lifecycle.preStop.exec.command") ?? []) as string[])[1] ?? 0);
  if (config && preStop + config.shutdown.drainTimeoutMs / 1000 >= grace) {
    problems.push(`Deployment: preStop ${preStop} s + drain ${config.shutdown.drainTimeoutMs / 1000} s does not fit in terminationGracePeriodSeconds ${grace}`);
  }
  const allowed = ((container.env ?? []) as Json[]).find((entry) => entry.name === "SCWS_ALLOWED_HOSTS")?.value as string | undefined;
  if (!allowed?.includes("$(POD_IP)"))
    problems.push("Deployment: SCWS_ALLOWED_HOSTS must include $(POD_IP), or probes and Prometheus are refused by the Host allow-list");
  if (config && allowed && !config.allowedHostNames.every((name) => allowed.split(",").includes(name))) {
    problems.push("Deployment: SCWS_ALLOWED_HOSTS replaces allowedHostNames; it must repeat the ConfigMap's names");
  }
  if (config && config.mode !== "shared") problems.push("ConfigMap: a scaled-out service runs in shared mode");
  return problems;
}

function ingressProblems(ingress: Json, service: Json): string[] {
  const problems: string[] = [];
  const annotations = (get(ingress, "metadata.annotations") ?? {}) as Record<string, string>;
  if (annotations["nginx.ingress.kubernetes.io/affinity"] !== "cookie") problems.push("Ingress: no cookie affinity; clients would lose their replica");
  for (const rule of (get(ingress, "spec.rules") ?? []) as Json[]) {
    for (const path of (get(rule, "http.paths") ?? []) as Json[]) {
      const backend = get(path, "backend.service") as Json | undefined;
      if (backend?.name !== get(service, "metadata.name")) problems.push(`Ingress: the backend ${String(backend?.name)} is not the Service`);
      const port = get(backend, "port.name") ?? get(backend, "port.number");
      if (!((get(service, "spec.ports") ?? []) as Json[]).some((entry) => entry.name === port || entry.port === port))
        problems.push(`Ingress: the Service has no port ${String(port)}`);
    }
  }
  return problems;
}

/** Every problem of the manifests; empty when they pass. */
export function kubernetesProblems({ kustomization, manifests }: { kustomization: Json; manifests: Manifests }): string[] {
  const problems = ((kustomization.resources ?? []) as string[])
    .filter((file) => !existsInRepo(`deploy/kubernetes/${file}`))
    .map((file) => `kustomization: ${file} does not exist`);
  problems.push(...schemaProblems(manifests));
  const [configMap, deployment, service, ingress] = ["ConfigMap", "Deployment", "Service", "Ingress"].map((kind) => byKind(manifests, kind));
  if (!configMap || !deployment || !service || !ingress) return [...problems, "a ConfigMap, a Deployment, a Service and an Ingress are needed"];
  const config = configOf(configMap, problems);
  const volume = ((get(deployment, "spec.template.spec.volumes") ?? []) as Json[]).find(
    (entry) => get(entry, "configMap.name") === get(configMap, "metadata.name"),
  );
  const container = ((get(deployment, "spec.template.spec.containers") ?? []) as Json[])[0] ?? {};
  const args = (container.args ?? []) as string[];
  const configPath = args[args.indexOf("--config") + 1];
  const mount = ((container.volumeMounts ?? []) as Json[]).find((entry) => entry.name === volume?.name);
  if (!volume || !mount) problems.push("Deployment: the ConfigMap is not mounted");
  else if (args.includes("--config") && mount.mountPath !== configPath)
    problems.push(`Deployment: --config ${configPath} is not where the ConfigMap is mounted (${String(mount.mountPath)})`);
  problems.push(...deploymentProblems(deployment, service, config), ...ingressProblems(ingress, service));
  return problems;
}
