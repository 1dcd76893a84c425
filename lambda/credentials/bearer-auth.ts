import type { OutgoingRequest, UpstreamAuth } from './upstream-auth';

/** A Bedrock API key, sent as `Authorization: Bearer`. */
export class BearerAuth implements UpstreamAuth {
  public constructor(private readonly apiKey: string) {}

  public authorize(request: OutgoingRequest): Promise<Record<string, string>> {
    return Promise.resolve({ ...request.headers, authorization: `Bearer ${this.apiKey}` });
  }
}
