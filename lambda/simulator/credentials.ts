/** An AWS key pair the simulator accepts, with its session token for temporary credentials. */
export interface SimulatorAccessKey {
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** Epoch ms after which the key is refused (temporary credentials). */
  readonly expiresAt?: number;
}

/** The well-known development credentials of `npm run dev` (not AWS secrets: they only open the simulator). */
export const DEV_ACCESS_KEY_ID = 'AKIAMANTLESIMULATOR1';
export const DEV_SECRET_ACCESS_KEY = 'mantle-simulator-development-secret-key';
export const DEV_API_KEY = 'bedrock-api-key-mantle-simulator-dev';

/** What the simulator accepts: AWS keys (SigV4) and Bedrock API keys (Bearer). */
export class SimulatorCredentials {
  public readonly accessKeys = new Map<string, SimulatorAccessKey>([[DEV_ACCESS_KEY_ID, { secretAccessKey: DEV_SECRET_ACCESS_KEY }]]);
  public readonly apiKeys = new Set<string>([DEV_API_KEY]);

  /** Accepts another key pair (the STS stand-in registers the temporary credentials it issues). */
  public addAccessKey(accessKeyId: string, key: SimulatorAccessKey): void {
    this.accessKeys.set(accessKeyId, key);
  }

  public addApiKey(apiKey: string): void {
    this.apiKeys.add(apiKey);
  }
}
