// Bundles src/ into the folder the assessment service serves at /dashboard (no CDN: Chart.js is in the bundle).
import { copyFile, mkdir, rm } from "node:fs/promises";
import { build } from "esbuild";

const out = new URL("../services/assessment/dashboard/static/", import.meta.url);

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  entryPoints: { dashboard: "src/main.ts" },
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2022"],
  outdir: out.pathname,
  legalComments: "linked",
  logLevel: "info",
});
await copyFile(new URL("src/index.html", import.meta.url), new URL("index.html", out));
