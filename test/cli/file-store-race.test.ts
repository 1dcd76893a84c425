import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startCli, stopCli } from '../helpers/cli';

/**
 * Two processes writing one configuration file at once (issue 12, item 2): two `serve` processes
 * taking admin writes and `token create` runs in between. No write that was answered as done may
 * be missing afterwards.
 */
describe('the file store across processes', () => {
  it('loses no write when two serve processes and token create race on one file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgw-race-'));
    const file = join(dir, 'gateway.json');
    expect((await runCli(['init', '--config', file])).code).toBe(0);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.admins = ['user:root@example.com'];
    doc.accounts = [{ name: 'a', region: 'us-east-1', auth: { type: 'default' }, models: [] }];
    require('node:fs').writeFileSync(file, JSON.stringify(doc));
    const token = (await runCli(['token', 'create', '--subject', 'user:root@example.com', '--config', file])).stdout.trim().split('\n').at(-1)!;
    const one = await startCli(['serve', '--config', file, '--port', '0'], /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const two = await startCli(['serve', '--config', file, '--port', '0'], /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    try {
      const urls = [one.match[1]!, two.match[1]!];
      const puts = Array.from({ length: 24 }, (_, i) =>
        fetch(`${urls[i % 2]}/admin/accounts/a/models/m${i}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ modelId: 'openai.gpt-oss-20b' }),
        }).then((res) => ({ name: `m${i}`, status: res.status })),
      );
      const creates = Array.from({ length: 4 }, () => runCli(['token', 'create', '--subject', 'service:race', '--config', file]));
      const answers = await Promise.all(puts);
      const created = await Promise.all(creates);
      // A write is either done (201) or refused as a conflict that changed nothing (409).
      expect(answers.every((a) => a.status === 201 || a.status === 409)).toBe(true);
      expect(answers.filter((a) => a.status === 201).length).toBeGreaterThan(0);
      const final = JSON.parse(readFileSync(file, 'utf8'));
      const names = final.accounts[0].models.map((m: { name: string }) => m.name).sort();
      expect(names).toEqual(
        answers
          .filter((a) => a.status === 201)
          .map((a) => a.name)
          .sort(),
      );
      // token create reads again and re-applies on a conflict: every run lands.
      expect(created.map((c) => c.code)).toEqual([0, 0, 0, 0]);
      expect(final.tokens.filter((t: { subject: string }) => t.subject === 'service:race')).toHaveLength(4);
    } finally {
      await stopCli(one.child);
      await stopCli(two.child);
    }
  }, 60_000);
});
