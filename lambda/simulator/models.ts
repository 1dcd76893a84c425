/** A model the simulator serves. */
export interface SimulatedModel {
  readonly id: string;
  /** Needs `/openai/v1`: called on `/v1` it gets Mantle's Berm refusal. */
  readonly openaiV1: boolean;
  readonly apis: readonly ('chat' | 'responses' | 'messages')[];
  /** Emits reasoning (`reasoning` on chat messages and deltas). */
  readonly reasoning: boolean;
  /** Regions that offer the model (`GET /v1/models` there); everywhere when absent. */
  readonly regions?: readonly string[];
  /** How a call on the wrong prefix is refused: the Berm 401 (default) or AWS's "isn't supported on this route". */
  readonly wrongRoute?: 'berm' | 'not-on-route';
}

/**
 * The simulator's models: real Mantle ids, plus `acme.*` test models whose route no catalog knows,
 * so the gateway's Berm retry and its environment variable can be exercised.
 */
export const SIMULATED_MODELS: readonly SimulatedModel[] = [
  { id: 'openai.gpt-oss-120b', openaiV1: false, apis: ['chat', 'responses'], reasoning: true },
  { id: 'openai.gpt-oss-20b', openaiV1: false, apis: ['chat', 'responses'], reasoning: true },
  { id: 'openai.gpt-5.5', openaiV1: true, apis: ['chat', 'responses'], reasoning: true },
  { id: 'openai.gpt-5.4', openaiV1: true, apis: ['chat', 'responses'], reasoning: true, regions: ['us-east-1', 'us-east-2', 'us-west-2'] },
  { id: 'mistral.mistral-large-3', openaiV1: false, apis: ['chat'], reasoning: false },
  { id: 'anthropic.claude-sonnet-4-6', openaiV1: false, apis: ['messages'], reasoning: false },
  { id: 'anthropic.claude-haiku-4-5', openaiV1: false, apis: ['messages'], reasoning: false },
  { id: 'acme.frontier-1', openaiV1: true, apis: ['chat', 'responses'], reasoning: false },
  { id: 'acme.frontier-2', openaiV1: true, apis: ['chat', 'responses'], reasoning: false },
  { id: 'acme.frontier-3', openaiV1: true, apis: ['chat', 'responses'], reasoning: false, wrongRoute: 'not-on-route' },
  { id: 'acme.classic-1', openaiV1: false, apis: ['chat', 'responses'], reasoning: false },
];

export const SIMULATED_MODEL_BY_ID: ReadonlyMap<string, SimulatedModel> = new Map(SIMULATED_MODELS.map((m) => [m.id, m]));
