import { defineConfig } from 'vite'

/**
 * The governance console: a desktop single-page app served by the API server at /console/ (see README).
 * No plugin: Vite's own transform handles TypeScript and JSX (React's automatic runtime).
 */
export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      // react-router marks its modules "use client" for server components; a plain browser bundle has none.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning)
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
})
