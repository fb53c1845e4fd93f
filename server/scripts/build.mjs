// Compiles the server to one ES module, server/dist/main.js, for plain `node` in production: the workspace's
// own TypeScript (server and @anju/shared) is bundled; every npm package stays an import resolved from
// node_modules at run time (native modules such as better-sqlite3 and sharp cannot be bundled).
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const server = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

await build({
  entryPoints: [path.join(server, 'src/main.ts')],
  outfile: path.join(server, 'dist/main.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [
    {
      name: 'packages-stay-external',
      setup(b) {
        // A bare specifier is an npm package unless it is one of ours.
        b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@anju/') ? undefined : { path: args.path, external: true }))
      },
    },
  ],
})
console.log(`built ${path.relative(process.cwd(), path.join(server, 'dist/main.js'))}`)
