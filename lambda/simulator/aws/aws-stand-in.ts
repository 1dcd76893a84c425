import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listen } from '../../runtime/listen';
import { SimulatorCredentials } from '../credentials';
import { SignatureError, verifySigV4 } from '../sigv4-verify';
import { AwsApiError } from './aws-error';
import { SecretsManagerStandIn } from './secrets-manager';
import { StsStandIn } from './sts';

/** The services the stand-in speaks. */
export type StandInService = 'sts' | 'secretsmanager';

/** A fault to answer instead of the real operation. */
export interface StandInFault {
  readonly status: number;
  readonly code: string;
  readonly message?: string;
}

/** The gateway's own identity, as the stand-in knows it. */
export const STAND_IN_GATEWAY_ACCESS_KEY_ID = 'AKIAGATEWAYSTANDIN01';
export const STAND_IN_GATEWAY_SECRET_ACCESS_KEY = 'gateway-stand-in-secret-access-key';
export const STAND_IN_GATEWAY_ROLE_ARN = 'arn:aws:iam::999999999999:role/MantleGatewayFunctionRole';

/**
 * A local AWS for tests and benchmarks: one HTTP server on loopback that speaks STS (Query
 * protocol) and Secrets Manager (JSON 1.1) as the real AWS SDK clients send them, verifies their
 * SigV4 signatures, counts calls, and fails on demand. Reach it through `AWS_ENDPOINT_URL_STS` and
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER`.
 */
export class AwsStandIn {
  public readonly sts: StsStandIn;
  public readonly secretsManager: SecretsManagerStandIn;
  /** Calls per `service:Action`. */
  public readonly calls = new Map<string, number>();
  /** While set, every call to the service fails this way. */
  public readonly down = new Map<StandInService, StandInFault>();
  private readonly failNext = new Map<StandInService, StandInFault[]>();
  private readonly principals = new Map<string, string>([[STAND_IN_GATEWAY_ACCESS_KEY_ID, STAND_IN_GATEWAY_ROLE_ARN]]);
  private server: Server | undefined;

  /** `credentials` is shared with the Mantle simulator so it accepts the credentials STS issues. */
  public constructor(public readonly credentials: SimulatorCredentials = new SimulatorCredentials()) {
    credentials.addAccessKey(STAND_IN_GATEWAY_ACCESS_KEY_ID, { secretAccessKey: STAND_IN_GATEWAY_SECRET_ACCESS_KEY });
    this.sts = new StsStandIn(credentials);
    this.secretsManager = new SecretsManagerStandIn();
  }

  /** Environment for a process that should use this stand-in with the gateway's identity. */
  public environment(url: string): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_STS: url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: url,
      AWS_ACCESS_KEY_ID: STAND_IN_GATEWAY_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: STAND_IN_GATEWAY_SECRET_ACCESS_KEY,
      AWS_REGION: 'us-east-1',
    };
  }

  /** The next `count` calls to the service fail with `fault`. */
  public failNextCalls(service: StandInService, count: number, fault: StandInFault): void {
    this.failNext.set(service, [...(this.failNext.get(service) ?? []), ...Array.from({ length: count }, () => fault)]);
  }

  public callCount(service: StandInService, action: string): number {
    return this.calls.get(`${service}:${action}`) ?? 0;
  }

  public start(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    return listen(this.server, port, '127.0.0.1');
  }

  public close(): Promise<void> {
    return closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const target = req.headers['x-amz-target'];
    const service: StandInService = typeof target === 'string' && target.startsWith('secretsmanager.') ? 'secretsmanager' : 'sts';
    const action =
      service === 'secretsmanager' ? String(target).slice('secretsmanager.'.length) : (new URLSearchParams(body.toString('utf8')).get('Action') ?? '?');
    this.calls.set(`${service}:${action}`, (this.calls.get(`${service}:${action}`) ?? 0) + 1);
    try {
      const queued = this.failNext.get(service)?.shift();
      const fault = queued ?? this.down.get(service);
      if (fault) throw new AwsApiError(fault.status, fault.code, fault.message ?? `Simulated ${fault.code}`);
      let caller: { accessKeyId: string; arn: string };
      try {
        const verified = verifySigV4({ method: req.method ?? 'POST', rawUrl: req.url ?? '/', headers: req.headers, body }, this.credentials, service);
        caller = {
          accessKeyId: verified.accessKeyId,
          arn: this.principals.get(verified.accessKeyId) ?? `arn:aws:iam::000000000000:user/${verified.accessKeyId}`,
        };
      } catch (error) {
        if (error instanceof SignatureError)
          throw new AwsApiError(403, service === 'sts' ? 'SignatureDoesNotMatch' : 'UnrecognizedClientException', error.message);
        throw error;
      }
      if (service === 'sts') {
        const xml = this.sts.handle(new URLSearchParams(body.toString('utf8')), caller);
        res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': `standin-${Date.now()}` }).end(xml);
      } else {
        const output = this.secretsManager.handle(String(target), JSON.parse(body.toString('utf8') || '{}'));
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(output));
      }
    } catch (error) {
      const e = error instanceof AwsApiError ? error : new AwsApiError(500, 'InternalFailure', 'stand-in failure');
      if (service === 'sts') res.writeHead(e.status, { 'content-type': 'text/xml' }).end(StsStandIn.errorXml(e));
      else
        res
          .writeHead(e.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': e.code })
          .end(JSON.stringify({ __type: e.code, message: e.message }));
    }
  }
}
