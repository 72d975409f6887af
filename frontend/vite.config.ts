import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

// Builds the SolidJS app into frontend/dist, which wrangler serves as static assets.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [solid()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
