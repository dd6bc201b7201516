import { describe, expect, it } from "vitest";
import { kubernetesProblems, readManifests } from "./kubernetes.js";

// No cluster runs here: the manifests are checked against the API schemas and each other, not applied.
const fresh = () => structuredClone(readManifests());
// biome-ignore lint/suspicious/noExplicitAny: the cases below mutate parsed YAML at any depth.
type Json = Record<string, any>;
const container = (m: ReturnType<typeof fresh>): Json => (m.manifests["deployment.yaml"] as Json).spec.template.spec.containers[0];

describe("deploy/kubernetes", () => {
  it("lists a ConfigMap, a Deployment, a Service and an Ingress that pass every check", () => {
    const manifests = fresh();
    expect(Object.values(manifests.manifests).map((manifest) => manifest.kind)).toEqual(["ConfigMap", "Deployment", "Service", "Ingress"]);
    expect(kubernetesProblems(manifests)).toEqual([]);
  });

  it.each<[string, (m: ReturnType<typeof fresh>) => void, RegExp]>([
    [
      "a field of the wrong type",
      (m) => ((m.manifests["deployment.yaml"] as Json).spec.replicas = "two"),
      /deployment\.yaml: data\/spec\/replicas must be integer/,
    ],
    [
      "a probe on a path the API lacks",
      (m) => (container(m).readinessProbe.httpGet.path = "/healthz"),
      /readinessProbe calls \/healthz, which is not a GET operation/,
    ],
    ["liveness on readiness", (m) => (container(m).livenessProbe.httpGet.path = "/health/ready"), /liveness probe must be \/health\/live/],
    ["a probe on another port", (m) => (container(m).livenessProbe.httpGet.port = 9000), /livenessProbe calls port 9000, not 8930/],
    [
      "a selector that misses the pods",
      (m) => ((m.manifests["service.yaml"] as Json).spec.selector = { app: "other" }),
      /Service: spec.selector does not match/,
    ],
    [
      "a container that runs as root",
      (m) => ((m.manifests["deployment.yaml"] as Json).spec.template.spec.securityContext.runAsNonRoot = false),
      /must run as non-root/,
    ],
    [
      "a drain longer than the grace period",
      (m) => ((m.manifests["deployment.yaml"] as Json).spec.template.spec.terminationGracePeriodSeconds = 20),
      /does not fit in terminationGracePeriodSeconds 20/,
    ],
    [
      "a configuration the service refuses",
      (m) => ((m.manifests["configmap.yaml"] as Json).data["config.yaml"] += "lissen: {}\n"),
      /ConfigMap config\.yaml is refused by the service: lissen: is not an option/,
    ],
    ["a Host allow-list without the pod's IP", (m) => (container(m).env[1].value = "scws.example.internal"), /SCWS_ALLOWED_HOSTS must include \$\(POD_IP\)/],
    [
      "an Ingress without affinity",
      (m) => delete (m.manifests["ingress.yaml"] as Json).metadata.annotations["nginx.ingress.kubernetes.io/affinity"],
      /no cookie affinity/,
    ],
    [
      "an Ingress to another Service",
      (m) => ((m.manifests["ingress.yaml"] as Json).spec.rules[0].http.paths[0].backend.service.name = "other"),
      /backend other is not the Service/,
    ],
    [
      "a configuration file mounted elsewhere",
      (m) => (container(m).volumeMounts[0].mountPath = "/etc/scws.yaml"),
      /--config \/etc\/open-scws\/config\.yaml is not where the ConfigMap is mounted/,
    ],
  ])("would catch %s", (_name, mutate, expected) => {
    const manifests = fresh();
    mutate(manifests);
    expect(kubernetesProblems(manifests).join("\n")).toMatch(expected);
  });
});
