// Bundles the CLI and the Lambda handler with esbuild (local, no Docker). Run by `npm ci` (prepare).
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', legalComments: 'none' };

await Promise.all([
  // dynalite (the local DynamoDB) loads LevelDB's native module at run time: left to node_modules.
  build({ ...common, entryPoints: ['lambda/cli/main.ts'], outfile: 'dist/cli.js', external: ['dynalite'] }),
  // The same bundle the CDK stack deploys (minified; the AWS SDK v3 left to the Lambda runtime, as
  // NodejsFunction does), for the benchmarks' size and load-time figures.
  build({ ...common, entryPoints: ['lambda/handler.ts'], outfile: 'dist/lambda/handler.js', minify: true, target: 'node22', external: ['@aws-sdk/*'] }),
  // The Web Function entry (Node.js 24): its code is uploaded whole, the AWS SDK included, as the
  // runtime contract asks for a self-contained package.
  build({ ...common, entryPoints: ['lambda/web-function.ts'], outfile: 'dist/web-function/index.js', minify: true, target: 'node24' }),
  // The benchmarks' simulator and local AWS, in one process.
  build({ ...common, entryPoints: ['bench/local-cloud.ts'], outfile: 'dist/bench-local-cloud.js', external: ['dynalite'] }),
  build({ ...common, entryPoints: ['bench/hot-counter.ts'], outfile: 'dist/bench-hot-counter.js' }),
  build({ ...common, entryPoints: ['bench/identity.ts'], outfile: 'dist/bench-identity.js', external: ['dynalite'] }),
]);
