import path from "node:path";
import { defineConfig } from "vite";

const webRoot = path.resolve(import.meta.dirname, "src/web");

export default defineConfig({
  root: webRoot,
  publicDir: false,
  oxc: { jsx: { runtime: "automatic" } },
  build: {
    outDir: path.resolve(import.meta.dirname, "dist/web"),
    emptyOutDir: true,
    rolldownOptions: {
      // Mantine marks its modules "use client" for React Server Components; this bundle is client-only.
      checks: { moduleLevelDirective: false },
      output: {
        // Libraries change less often than the app: separate files stay cached across releases.
        codeSplitting: {
          groups: [
            { name: "react", test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: "mantine", test: /node_modules[\\/]@mantine[\\/]/ },
            { name: "vendor", test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    // `vite` serves the UI with hot reload while the API runs on its usual port.
    proxy: { "/api": `http://localhost:${process.env.CONVENE_API_PORT ?? "3000"}` },
  },
});
