import { call } from '../helpers/http';
import { startLocalGateway, type LocalGateway } from '../helpers/local-gateway';

describe('the function’s own time limit', () => {
  let gw: LocalGateway;
  beforeAll(async () => {
    // A 2.6 s function: with the 2 s safety margin, streams must end 0.6 s after they start.
    gw = await startLocalGateway({ functionTimeoutMs: 2600, env: { STREAM_IDLE_TIMEOUT_MS: '60000' } });
  });
  afterAll(() => gw.close());

  it('ends a stream cleanly with an in-band deadline_exceeded error before Lambda would cut it', async () => {
    const records = gw.recordLines().length;
    const started = performance.now();
    const res = await call(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.tokens.alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sim/gpt-oss-120b', stream: true, messages: [{ role: 'user', content: 'slow' }], x_sim: { stallAfterEvents: 2 } }),
    });
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('[DONE]');
    const last = res.text.trim().split('\n\n').at(-1)!;
    expect(JSON.parse(last.slice('data: '.length)).error.code).toBe('deadline_exceeded');
    expect(elapsed).toBeLessThan(2600);
    expect(await gw.waitForRecord(records + 1)).toMatchObject({ Errors: 1, error: 'deadline_exceeded', partial: true });
  });

  it('does not wait out a first byte beyond the deadline either (504)', async () => {
    const res = await call(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.tokens.alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sim/gpt-oss-120b', messages: [{ role: 'user', content: 'slow' }], x_sim: { delayMs: 2000 } }),
    });
    expect(res.status).toBe(504);
    expect(res.json.error.code).toBe('upstream_timeout');
  });
});
