// The floor: a minimal pass-through HTTP proxy (one extra Node hop, nothing parsed), so every
// gateway figure can also be read as a ratio to what any proxy costs.
import { Agent, createServer, request } from 'node:http';

const target = new URL(process.argv[2]);
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
const server = createServer((req, res) => {
  const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`floor proxy listening on http://127.0.0.1:${server.address().port}\n`));
process.once('SIGTERM', () => process.exit(0));
