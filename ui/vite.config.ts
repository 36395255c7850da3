// The console's build: `vite build ui` (npm run build:console) writes dist/console/index.html, console.js and
// console.css, the three files the control server serves under /ui (src/control/routes/console.ts). Fixed names, no
// hashes: the server revalidates each with its ETag.
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [preact()],
  base: "/ui/",
  build: {
    outDir: "../dist/console",
    emptyOutDir: true,
    target: "es2022",
    // One module and no dynamic imports: nothing to preload.
    modulePreload: false,
    rolldownOptions: {
      output: { entryFileNames: "console.js", assetFileNames: "console[extname]" },
    },
  },
});
