// Bundles the CLI and the Lambda handler with esbuild (local, no Docker). Run by `npm ci` (prepare).
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', legalComments: 'none' };

await Promise.all([
  build({ ...common, entryPoints: ['lambda/cli/main.ts'], outfile: 'dist/cli.js' }),
  // The same bundle the CDK stack deploys (minified), for the benchmarks' size and load-time figures.
  build({ ...common, entryPoints: ['lambda/handler.ts'], outfile: 'dist/lambda/handler.js', minify: true, metafile: false }),
]);
