/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The edge serves the build (web/dist) and routes /api and /media to the services. For `npm run dev`, point
// BAZAAR_EDGE_URL at a running edge (./bazaar up) and Vite proxies those paths to it.
const edge = process.env.BAZAAR_EDGE_URL ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [react()],
  build: {
    // Hashed file names under /assets/: the edge caches them for a year and never caches index.html.
    assetsDir: 'assets',
    // Maps that no bundle names (for debugging a build, or an error tracker's upload should one be added); the edge
    // refuses *.map and the edge image leaves them out.
    sourcemap: 'hidden',
  },
  server: {
    proxy: { '/api': edge, '/media': edge },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
  },
});
