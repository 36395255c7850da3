// `npm run bench`: runs every bench/*.bench.ts in turn (each prints its own table).
// Pass name fragments to run a subset: npm run bench -- produce
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const benchDir = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => filters.length === 0 || filters.some((part) => f.includes(part)))
  .sort();

if (files.length === 0) throw new Error(`no bench files in ${benchDir} match ${filters.join(", ")}`);
console.log(`node ${process.version}, ${files.length} bench file(s): ${files.join(", ")}`);
for (const file of files) {
  await import(pathToFileURL(join(benchDir, file)).href);
}
