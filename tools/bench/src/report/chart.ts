// The chart: for each operation, throughput against connections over HTTP, with the raw limit (or the bare
// node:http server) as the line to reach. Drawn as SVG here, and rendered to PNG by Debian's Chromium.
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import { type BenchResults, operationsPerSecond } from "../results.js";

const PANEL = { width: 400, height: 260, left: 64, right: 16, top: 36, bottom: 40 };
const COLUMNS = 3;
const xml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
const compact = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(value >= 10_000 ? 0 : 1)}k` : value.toFixed(0));

interface Series {
  readonly label: string;
  readonly colour: string;
  readonly points: ReadonlyArray<{ connections: number; value: number }>;
}

function panel(title: string, series: readonly Series[], limit: { label: string; value: number } | undefined, x: number, y: number): string {
  const levels = [...new Set(series.flatMap((line) => line.points.map((point) => point.connections)))].sort((a, b) => a - b);
  const top = Math.max(limit?.value ?? 0, ...series.flatMap((line) => line.points.map((point) => point.value))) * 1.1 || 1;
  const plotWidth = PANEL.width - PANEL.left - PANEL.right;
  const plotHeight = PANEL.height - PANEL.top - PANEL.bottom;
  const px = (connections: number) => x + PANEL.left + (levels.length < 2 ? plotWidth / 2 : (levels.indexOf(connections) / (levels.length - 1)) * plotWidth);
  const py = (value: number) => y + PANEL.top + plotHeight - (value / top) * plotHeight;
  const parts = [`<text x="${x + PANEL.width / 2}" y="${y + 20}" text-anchor="middle" font-weight="bold">${xml(title)}</text>`];
  for (let tick = 0; tick <= 4; tick++) {
    const value = (top / 4) * tick;
    parts.push(`<line x1="${x + PANEL.left}" x2="${x + PANEL.width - PANEL.right}" y1="${py(value)}" y2="${py(value)}" stroke="#ddd"/>`);
    parts.push(`<text x="${x + PANEL.left - 6}" y="${py(value) + 4}" text-anchor="end" font-size="11">${compact(value)}</text>`);
  }
  for (const connections of levels) {
    parts.push(`<text x="${px(connections)}" y="${y + PANEL.height - PANEL.bottom + 16}" text-anchor="middle" font-size="11">${connections}</text>`);
  }
  parts.push(`<text x="${x + PANEL.left + plotWidth / 2}" y="${y + PANEL.height - 6}" text-anchor="middle" font-size="11">connections</text>`);
  if (limit) {
    parts.push(
      `<line x1="${x + PANEL.left}" x2="${x + PANEL.width - PANEL.right}" y1="${py(limit.value)}" y2="${py(limit.value)}" stroke="#c0392b" stroke-dasharray="6 4"/>`,
    );
    parts.push(
      `<text x="${x + PANEL.width - PANEL.right}" y="${py(limit.value) + 14}" text-anchor="end" font-size="11" fill="#c0392b">${xml(limit.label)} ${compact(limit.value)}/s</text>`,
    );
  }
  series.forEach((line, index) => {
    const path = line.points.map((point) => `${px(point.connections)},${py(point.value)}`).join(" ");
    parts.push(`<polyline points="${path}" fill="none" stroke="${line.colour}" stroke-width="2"/>`);
    for (const point of line.points) parts.push(`<circle cx="${px(point.connections)}" cy="${py(point.value)}" r="3" fill="${line.colour}"/>`);
    parts.push(`<text x="${x + PANEL.left + 6}" y="${y + PANEL.top + 12 + index * 14}" font-size="11" fill="${line.colour}">${xml(line.label)}</text>`);
  });
  return parts.join("\n");
}

/** The chart as SVG. */
export function chartSvg(results: BenchResults): string {
  const panels: string[] = [];
  // One panel per operation: the service with its module isolated (or alone, if only `none` was measured), and the
  // same operation with isolation none as a second line.
  const scenarios = results.scenarios.filter(
    (scenario) => scenario.id !== "bare-http" && (scenario.isolation !== "none" || !results.scenarios.some((other) => `${other.id}@none` === scenario.id)),
  );
  const bare = results.scenarios.find((scenario) => scenario.id === "bare-http");
  scenarios.forEach((scenario, index) => {
    const x = (index % COLUMNS) * PANEL.width;
    const y = Math.floor(index / COLUMNS) * PANEL.height + 40;
    const service: Series = {
      label: scenario.operationsPerRequest > 1 ? `service, ops/s (${scenario.operationsPerRequest}/request)` : "service, requests/s",
      colour: "#2471a3",
      points: scenario.levels.map((level) => ({ connections: level.connections, value: operationsPerSecond(scenario, level) })),
    };
    const inProcess = results.scenarios.find((other) => other.id === `${scenario.id}@none`);
    const services: Series[] = inProcess
      ? [
          service,
          {
            label: "service, isolation none",
            colour: "#27ae60",
            points: inProcess.levels.map((level) => ({ connections: level.connections, value: operationsPerSecond(inProcess, level) })),
          },
        ]
      : [service];
    if (scenario.comparedWith === "bare-http") {
      const series = bare
        ? [
            ...services,
            {
              label: "bare node:http",
              colour: "#7f8c8d",
              points: bare.levels.map((level) => ({ connections: level.connections, value: level.requestsPerSecond })),
            },
          ]
        : services;
      panels.push(panel(scenario.title, series, undefined, x, y));
      return;
    }
    const raw = results.raw.find((candidate) => candidate.operation === scenario.comparedWith);
    panels.push(panel(scenario.title, services, raw ? { label: "in-process limit", value: raw.best.opsPerSecond } : undefined, x, y));
  });
  const rows = Math.ceil(scenarios.length / COLUMNS);
  const width = COLUMNS * PANEL.width;
  const height = rows * PANEL.height + 50;
  const heading = `open SCWS over HTTP vs the token's in-process limit, ${results.date.slice(0, 10)} (${results.machine.cpus} cores, Node ${results.machine.node})`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${xml(heading)}</text>`,
    ...panels,
    "</svg>",
  ].join("\n");
}

/** Where Chromium is: CHROMIUM_PATH, or Debian's. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Renders SVG to PNG with headless Chromium; undefined when no Chromium is installed. */
export async function svgToPng(svg: string): Promise<Buffer | undefined> {
  if (!existsSync(chromiumPath)) return undefined;
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
    return await page.locator("svg").screenshot();
  } finally {
    await browser.close();
  }
}
