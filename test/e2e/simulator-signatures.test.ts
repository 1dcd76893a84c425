import OpenAI from 'openai';
import { bedrock } from 'openai/providers/bedrock/aws';
import { DEV_ACCESS_KEY_ID, DEV_API_KEY, DEV_SECRET_ACCESS_KEY } from '../../lambda/simulator/credentials';
import { MantleSimulator } from '../../lambda/simulator/server';

/**
 * The simulator's SigV4 check is proved against the official clients that sign for Mantle
 * themselves, so the gateway's signing is checked by a verifier that accepts the real thing.
 */
describe('simulator signature verification against the official Mantle clients', () => {
  let simulator: MantleSimulator;
  let url: string;
  beforeAll(async () => {
    simulator = new MantleSimulator();
    url = await simulator.start();
  });
  afterAll(() => simulator.close());

  const viaOpenAIBedrock = (secretAccessKey: string, region = 'us-east-2') =>
    new OpenAI({
      provider: bedrock({ baseURL: `${url}/v1`, endpoint: 'mantle', region, accessKeyId: DEV_ACCESS_KEY_ID, secretAccessKey }),
      maxRetries: 0,
    });

  it('accepts a request signed by the openai package Bedrock provider (service bedrock-mantle)', async () => {
    const completion = await viaOpenAIBedrock(DEV_SECRET_ACCESS_KEY).chat.completions.create({
      model: 'openai.gpt-oss-120b',
      messages: [{ role: 'user', content: 'signed' }],
    });
    expect(completion.choices[0]!.message.content).toContain('openai.gpt-oss-120b');
    expect(simulator.requests.at(-1)).toMatchObject({ region: 'us-east-2', auth: { type: 'sigv4', accessKeyId: DEV_ACCESS_KEY_ID } });
  });

  it('refuses the same client with a wrong secret', async () => {
    await expect(
      viaOpenAIBedrock('wrong-secret').chat.completions.create({ model: 'openai.gpt-oss-120b', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      status: 403,
    });
  });

  it('accepts a Bedrock API key as Bearer and refuses an unknown one', async () => {
    const good = new OpenAI({ baseURL: `${url}/v1`, apiKey: DEV_API_KEY, maxRetries: 0 });
    await expect(good.chat.completions.create({ model: 'openai.gpt-oss-120b', messages: [{ role: 'user', content: 'k' }] })).resolves.toBeDefined();
    const bad = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'nope', maxRetries: 0 });
    await expect(bad.chat.completions.create({ model: 'openai.gpt-oss-120b', messages: [{ role: 'user', content: 'k' }] })).rejects.toMatchObject({
      status: 401,
    });
  });

  it('refuses a signature for another service', async () => {
    const { SignatureV4 } = await import('@smithy/signature-v4');
    const { Hash } = await import('@smithy/hash-node');
    const body = JSON.stringify({ model: 'openai.gpt-oss-120b', messages: [] });
    const u = new URL(`${url}/v1/chat/completions`);
    const signer = new SignatureV4({
      service: 'bedrock',
      region: 'us-east-1',
      credentials: { accessKeyId: DEV_ACCESS_KEY_ID, secretAccessKey: DEV_SECRET_ACCESS_KEY },
      sha256: Hash.bind(null, 'sha256'),
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: u.hostname,
      port: Number(u.port),
      path: u.pathname,
      headers: { host: u.host, 'content-type': 'application/json' },
      body,
    });
    const res = await fetch(u, { method: 'POST', headers: signed.headers, body });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("scoped to correct service: 'bedrock-mantle'");
  });

  it('answers a model that needs /openai/v1 with the Berm refusal on /v1', async () => {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: DEV_API_KEY, maxRetries: 0 });
    await expect(client.chat.completions.create({ model: 'openai.gpt-5.5', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 401,
      error: { message: 'Berm is not enabled for this account', code: 'access_denied' },
    });
  });

  it('accepts a Messages request signed by @anthropic-ai/bedrock-sdk', async () => {
    const { AnthropicBedrockMantle } = await import('@anthropic-ai/bedrock-sdk');
    const client = new AnthropicBedrockMantle({
      baseURL: `${url}/anthropic`,
      awsRegion: 'eu-west-1',
      awsAccessKey: DEV_ACCESS_KEY_ID,
      awsSecretAccessKey: DEV_SECRET_ACCESS_KEY,
      maxRetries: 0,
    });
    const message = await client.messages.create({ model: 'anthropic.claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'signed' }] });
    expect(message.content[0]).toMatchObject({ type: 'text' });
    expect(simulator.requests.at(-1)).toMatchObject({
      path: '/anthropic/v1/messages',
      region: 'eu-west-1',
      auth: { type: 'sigv4', accessKeyId: DEV_ACCESS_KEY_ID },
    });
  });

  it('refuses it with a wrong secret', async () => {
    const { AnthropicBedrockMantle } = await import('@anthropic-ai/bedrock-sdk');
    const client = new AnthropicBedrockMantle({
      baseURL: `${url}/anthropic`,
      awsRegion: 'eu-west-1',
      awsAccessKey: DEV_ACCESS_KEY_ID,
      awsSecretAccessKey: 'wrong',
      maxRetries: 0,
    });
    await expect(
      client.messages.create({ model: 'anthropic.claude-sonnet-4-6', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 403 });
  });
});
