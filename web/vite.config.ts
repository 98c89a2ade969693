// Written as CommonJS (the repository's package type) so Vite loads it without a warning.
import path = require('node:path');
import vite = require('vite');
import react = require('@vitejs/plugin-react');

const root = __dirname;

/** The web app: `npm run build:web` writes web/dist, which the API server serves at `/`. */
export = vite.defineConfig({
  root,
  plugins: [react({})],
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    // Every browser the app targets preloads modules natively (and the polyfill cannot be
    // resolved by this Vite/Rolldown pair: "./modulepreload-polyfill is not exported").
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
    },
  },
});
