const ARN = /arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:[^\s"',;)]+/gi;
/** Upstream messages shown to callers are cut to this length. */
export const MAX_MESSAGE_CHARS = 1000;

/** AWS principal ARNs from upstream messages are never shown to callers. */
export function redactArns(message: string): string {
  return message.replace(ARN, '[redacted ARN]').slice(0, MAX_MESSAGE_CHARS);
}
