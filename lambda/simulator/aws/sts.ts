import { randomBytes, randomUUID } from 'node:crypto';
import type { SimulatorCredentials } from '../credentials';
import { AwsApiError } from './aws-error';

/** A role the STS stand-in lets principals assume. */
export interface StandInRole {
  /** Required `ExternalId`, when the trust policy has the condition. */
  readonly externalId?: string;
}

/** One AssumeRole call as STS received it. */
export interface AssumeRoleCall {
  readonly caller: string;
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly externalId?: string;
  readonly durationSeconds: number;
  /** The access key id it issued (when it succeeded). */
  readonly issuedAccessKeyId?: string;
}

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(.+)$/;
const DEFAULT_DURATION_SECONDS = 3600;

const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * STS (Query protocol, XML answers) for AssumeRole and GetCallerIdentity. The temporary
 * credentials it issues are registered with the Mantle simulator, which then accepts them.
 */
export class StsStandIn {
  public readonly roles = new Map<string, StandInRole>();
  public readonly assumeRoleCalls: AssumeRoleCall[] = [];
  /** Lifetime of issued credentials, overriding DurationSeconds (tests of refresh ahead of expiry). */
  public lifetimeSeconds: number | undefined;

  public constructor(private readonly credentials: SimulatorCredentials) {}

  public handle(params: URLSearchParams, caller: { accessKeyId: string; arn: string }): string {
    const action = params.get('Action');
    if (action === 'GetCallerIdentity') {
      const account = /::(\d{12}):/.exec(caller.arn)?.[1] ?? '000000000000';
      return this.wrap(
        'GetCallerIdentity',
        `<Arn>${xmlEscape(caller.arn)}</Arn><UserId>${xmlEscape(caller.accessKeyId)}</UserId><Account>${account}</Account>`,
      );
    }
    if (action === 'AssumeRole') return this.assumeRole(params, caller);
    throw new AwsApiError(400, 'InvalidAction', `Could not find operation ${action ?? '(none)'} for version ${params.get('Version') ?? '(none)'}`);
  }

  private assumeRole(params: URLSearchParams, caller: { accessKeyId: string; arn: string }): string {
    const roleArn = params.get('RoleArn') ?? '';
    const roleSessionName = params.get('RoleSessionName') ?? '';
    const externalId = params.get('ExternalId') ?? undefined;
    const durationSeconds = Number(params.get('DurationSeconds') ?? DEFAULT_DURATION_SECONDS);
    const call: AssumeRoleCall = { caller: caller.arn, roleArn, roleSessionName, ...(externalId !== undefined ? { externalId } : {}), durationSeconds };
    if (!SESSION_NAME.test(roleSessionName)) {
      this.assumeRoleCalls.push(call);
      throw new AwsApiError(
        400,
        'ValidationError',
        `1 validation error detected: Value '${roleSessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      );
    }
    if (!Number.isInteger(durationSeconds) || durationSeconds < 900 || durationSeconds > 43200) {
      this.assumeRoleCalls.push(call);
      throw new AwsApiError(400, 'ValidationError', 'The requested DurationSeconds exceeds the allowed range.');
    }
    const role = this.roles.get(roleArn);
    const m = ROLE_ARN.exec(roleArn);
    if (!role || !m || (role.externalId !== undefined && role.externalId !== externalId)) {
      this.assumeRoleCalls.push(call);
      throw new AwsApiError(403, 'AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    }
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const secretAccessKey = randomBytes(30).toString('base64');
    const sessionToken = `IQoJb3JpZ2luX2VjE${randomBytes(48).toString('base64')}`;
    const expiresAt = Date.now() + (this.lifetimeSeconds ?? durationSeconds) * 1000;
    this.credentials.addAccessKey(accessKeyId, { secretAccessKey, sessionToken, expiresAt });
    this.assumeRoleCalls.push({ ...call, issuedAccessKeyId: accessKeyId });
    const expiration = new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return this.wrap(
      'AssumeRole',
      `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${xmlEscape(secretAccessKey)}</SecretAccessKey>` +
        `<SessionToken>${xmlEscape(sessionToken)}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
        `<AssumedRoleUser><AssumedRoleId>AROA${randomBytes(8).toString('hex').toUpperCase()}:${xmlEscape(roleSessionName)}</AssumedRoleId>` +
        `<Arn>arn:aws:sts::${m[1]}:assumed-role/${xmlEscape(m[2]!)}/${xmlEscape(roleSessionName)}</Arn></AssumedRoleUser><PackedPolicySize>0</PackedPolicySize>`,
    );
  }

  private wrap(action: string, result: string): string {
    return `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
  }

  /** The Query protocol's error document. */
  public static errorXml(error: AwsApiError): string {
    return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>${error.fault}</Type><Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  }
}
