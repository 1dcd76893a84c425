import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { runCli, startCli as start, stopCli as stop } from '../helpers/cli';

describe('mantle-gateway serve and dev', () => {
  it('dev serves a working gateway with no AWS credentials and prints a ready token and curl line', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mgw-dev-'));
    const { child, output, match } = await start(['dev', '--port', '0'], /on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*Token: (mgw_\S+)[\s\S]*Ctrl\+C/, cwd);
    try {
      const [, url, token] = match;
      expect(output()).toContain(`curl -s ${url}/v1/chat/completions -H "Authorization: Bearer ${token}"`);
      const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: token!, maxRetries: 0 });
      const completion = await client.chat.completions.create({ model: 'dev/gpt-oss-120b', messages: [{ role: 'user', content: 'Hello' }] });
      expect(completion.choices[0]!.message.content).toContain('Mantle simulator');
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });

  it('serve --simulate serves a configuration made with init and token create', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgw-serve-'));
    const file = join(dir, 'gateway.json');
    await runCli(['init', '--config', file]);
    const token = (await runCli(['token', 'create', '--subject', 'user:a@example.com', '--config', file])).stdout.trim().split('\n').at(-1)!;
    const { child, match } = await start(['serve', '--config', file, '--port', '0', '--simulate'], /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    try {
      const res = await fetch(`${match[1]}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
      expect(await res.json()).toEqual({ object: 'list', data: [] });
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });

  it('serve finds the configuration through GATEWAY_CONFIG_FILE when no flag names it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgw-serve-env-'));
    const file = join(dir, 'gateway.json');
    await runCli(['init', '--config', file]);
    const { child, match } = await start(['serve', '--port', '0'], /listening on (http:\/\/127\.0\.0\.1:\d+)/, undefined, { GATEWAY_CONFIG_FILE: file });
    try {
      expect((await fetch(`${match[1]}/healthz`)).status).toBe(200);
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });

  it('serve refuses to start on an invalid configuration, saying why', async () => {
    const res = await runCli(['serve', '--config', '/nonexistent/gateway.json', '--port', '0']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('does not exist');
  });
});
