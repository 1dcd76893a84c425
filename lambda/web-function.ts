import { createRequestPath, createServices } from './app';
import { settingsFromEnv } from './config/settings';
import { createWebFunctionServer, parseHttpEndpoint } from './web-function/server';

/**
 * The Lambda Web Function entry: the same request path as the Function URL handler, behind a Node
 * HTTP server on AWS_LAMBDA_HTTP_ENDPOINT. Settings are read (and checked) at start, failing fast.
 */
const settings = settingsFromEnv();
const web = createWebFunctionServer(createRequestPath(createServices(settings)), {
  ...(settings.requestTimeoutSeconds !== undefined ? { requestTimeoutSeconds: settings.requestTimeoutSeconds } : {}),
});
const { host, port } = parseHttpEndpoint(process.env.AWS_LAMBDA_HTTP_ENDPOINT);
web.server.listen(port, host);
// Lambda allows about one second after SIGTERM: stop accepting and write every running answer's record.
process.once('SIGTERM', () => void web.shutdown().then(() => process.exit(0)));
