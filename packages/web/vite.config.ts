import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Builds the dashboard into `dist/` (served by the server under `/`). `npm run dev -w @tracecheck/web`
 * serves it with hot reload and forwards `/api` to a server started with `tracecheck start`.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  worker: { format: 'es' },
  server: {
    proxy: { '/api': { target: 'http://localhost:11633', changeOrigin: true } },
  },
});
