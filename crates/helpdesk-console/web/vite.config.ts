import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The bundle is embedded in the gateway's binary (crates/helpdesk-console),
// so file names must not depend on the machine that builds it: CI rebuilds
// it and fails when the committed copy differs.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1000,
  },
  server: { proxy: { "/graphql": "http://127.0.0.1:8080" } },
});
