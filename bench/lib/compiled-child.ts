// The bench's child scripts compiled the way the product ships: tsc with the shipped build's settings
// (tsconfig.build.json) into .cache/bench-build/<tree>/, then run by plain node. Run through tsx instead, the child
// is esbuild's output, which e.g. wraps every function created in a __name() call (keepNames): code that doesn't ship.
// tsc runs in build mode, so a bench run after no change pays only its up-to-date check (file times).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = realpathSync(fileURLToPath(new URL("../..", import.meta.url)));
/** Where the children's code lives: what the up-to-date check looks at. */
const INPUTS = ["src", "test/harness", "bench/lib"];

/** Compiles `script` (a .ts file in this tree) and what it imports; returns the compiled .js to run. */
export function compileChildScript(script: string): string {
  // One directory per tree: a second worktree (e.g. a base revision) may share this .cache through a symlink, so the
  // directory is named by the tree and given by its real path (tsc resolves the build info's paths from there).
  mkdirSync(path.join(ROOT, ".cache"), { recursive: true });
  const outDir = path.join(realpathSync(path.join(ROOT, ".cache")), "bench-build", createHash("sha256").update(ROOT).digest("hex").slice(0, 12));
  mkdirSync(outDir, { recursive: true });
  const tsconfig = path.join(outDir, `${path.basename(script, ".ts")}.tsconfig.json`);
  // noCheck: emit only (npm run typecheck checks the code); the emitted JavaScript is the same. tsc -b rebuilds when
  // one of its inputs changed since the last build: its inputs are the files named here, so they must cover
  // everything a child imports (src, the test harness's config helpers, bench/lib), not just the child.
  const settings = JSON.stringify({
    extends: path.join(ROOT, "tsconfig.build.json"),
    compilerOptions: { rootDir: ROOT, outDir, noCheck: true, incremental: true, tsBuildInfoFile: tsconfig.replace(/json$/, "tsbuildinfo") },
    files: [script],
    include: INPUTS.map((dir) => path.join(ROOT, dir, "**", "*.ts")),
  });
  // Rewritten only when it changes: a newer tsconfig would make every run a rebuild.
  if (!existsSync(tsconfig) || readFileSync(tsconfig, "utf8") !== settings) writeFileSync(tsconfig, settings);
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  try {
    execFileSync(process.execPath, [tsc, "-b", tsconfig], { stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    const output = (err as { stdout?: Buffer }).stdout?.toString() ?? "";
    throw new Error(`tsc could not compile ${path.relative(ROOT, script)} for the bench:\n${output}`, { cause: err });
  }
  return path.join(outDir, path.relative(ROOT, script)).replace(/\.ts$/, ".js");
}
