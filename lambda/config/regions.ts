/** The AWS regions where Bedrock Mantle is offered (shared/reference/mantle-wire-facts.md). */
export const MANTLE_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'ap-south-1',
  'ap-southeast-3',
  'ap-southeast-2',
  'ap-northeast-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-south-1',
  'eu-north-1',
  'sa-east-1',
] as const;
export type MantleRegion = (typeof MANTLE_REGIONS)[number];
