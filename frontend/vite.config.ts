import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';
import { initialJsBudget } from './initial-js.ts';
import { widget } from './widget/build.ts';

// Builds the SolidJS app into frontend/dist, which wrangler serves as static assets, then the
// embeddable widget beside it (widget.js and widget/*; see widget/build.ts). The build fails if the
// app's initial JavaScript passes its budget (initial-js.ts).
export default defineConfig({
  root: import.meta.dirname,
  plugins: [solid(), initialJsBudget(), widget()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
