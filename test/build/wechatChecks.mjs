// Runs miniprogram-ci's offline checks (checkCodeQuality, analyseCode) on the project at argv[2] and writes
// their results as JSON to argv[3]. Its own process: miniprogram-ci leaves a file watcher running and
// installs a global HTTP proxy agent, neither of which belongs in the test runner.
import fs from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const ci = require('miniprogram-ci')
const [projectPath, out] = process.argv.slice(2)

const project = new ci.Project({
  type: 'miniProgram',
  projectPath,
  // Only uploads are signed; the offline checks never use the key, but the constructor insists on one.
  privateKey: 'offline-checks-sign-nothing',
  ignores: ['node_modules/**/*'],
})
const quality = await ci.checkCodeQuality(project)
const analysis = await ci.analyseCode(project, { silent: true })
fs.writeFileSync(out, JSON.stringify({ quality, files: analysis.files }))
process.exit(0)
