/** An AWS API error as a stand-in answers it. */
export class AwsApiError extends Error {
  public constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    /** `Sender` or `Receiver` (the Query protocol's fault type). */
    public readonly fault: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
  }
}
