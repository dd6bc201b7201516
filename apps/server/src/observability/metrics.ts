// The service's Prometheus metrics, in a registry of its own (so that several services in one process, as in
// tests, do not share counters). Labels carry operation ids, module ids, PKCS#11 function names and codes:
// never a PIN, a credential, a token id or token data.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Every metric the service exposes at /metrics. */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: "scws_http_requests_total",
    help: "HTTP requests answered, by operation, status and SCWS code.",
    labelNames: ["operation", "status", "code"] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: "scws_http_request_duration_seconds",
    help: "Time from receiving a request to answering it, by operation.",
    labelNames: ["operation"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly httpInFlight = new Gauge({
    name: "scws_http_requests_in_flight",
    help: "Requests being served now.",
    registers: [this.registry],
  });
  readonly pkcs11Calls = new Counter({
    name: "scws_pkcs11_calls_total",
    help: "Calls to a PKCS#11 host, by module, host method and result (ok, or the CKR_* name).",
    labelNames: ["module", "method", "result"] as const,
    registers: [this.registry],
  });
  readonly pkcs11Duration = new Histogram({
    name: "scws_pkcs11_call_duration_seconds",
    help: "Time a PKCS#11 host call took, by module and host method.",
    labelNames: ["module", "method"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly attachedSlots = new Gauge({
    name: "scws_pkcs11_attached_slots",
    help: "Slots whose PKCS#11 sessions the service holds open (each holds at least one session), by module.",
    labelNames: ["module"] as const,
    registers: [this.registry],
  });
  readonly moduleReady = new Gauge({
    name: "scws_pkcs11_module_ready",
    help: "1 when the PKCS#11 module loaded and initialised, 0 when it failed, by module.",
    labelNames: ["module"] as const,
    registers: [this.registry],
  });

  /** Per module, how to count the PKCS#11 sessions its host holds open: read when the metrics are scraped. */
  private readonly sessionCounters = new Map<string, () => Promise<number>>();

  constructor(tokenConnections: () => number, environments: () => number = () => 0) {
    const sessionCounters = this.sessionCounters;
    new Gauge({
      name: "scws_pkcs11_sessions",
      help: "PKCS#11 sessions the service holds open, by module (a module whose host cannot answer is left out).",
      labelNames: ["module"] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const counted = await Promise.allSettled([...sessionCounters].map(async ([module, count]) => ({ module, sessions: await count() })));
        for (const result of counted) if (result.status === "fulfilled") this.set({ module: result.value.module }, result.value.sessions);
      },
    });
    new Gauge({
      name: "scws_environments",
      help: "Live environments (created and neither ended nor expired).",
      registers: [this.registry],
      collect() {
        this.set(environments());
      },
    });
    new Gauge({
      name: "scws_token_connections",
      help: "Open token connections (Reader.connect without a disconnect yet).",
      registers: [this.registry],
      collect() {
        this.set(tokenConnections());
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: "scws_" });
  }

  /** Registers how to count a module's open PKCS#11 sessions, for the `scws_pkcs11_sessions` gauge. */
  countSessions(module: string, count: () => Promise<number>): void {
    this.sessionCounters.set(module, count);
  }

  /** The text exposition, and its content type. */
  async exposition(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
