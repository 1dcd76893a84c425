#!/usr/bin/env node
// The CLI entry: the code lives in lambda/cli, bundled to dist/ by `npm run build` (run by npm ci).
require('../dist/cli.js').runCli();
