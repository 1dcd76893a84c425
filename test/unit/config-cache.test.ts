import { ConfigCache } from '../../lambda/config/config-cache';
import type { ConfigSource, StoredDocument } from '../../lambda/config/document-store';
import { GatewayConfig } from '../../lambda/config/gateway-config';
import { createLogger } from '../../lambda/kernel/log';
import { testConfig } from '../helpers/test-config';

/** A source whose reads the test answers one by one. */
function source() {
  const reads: { resolve: (d: StoredDocument) => void; reject: (e: Error) => void }[] = [];
  const src: ConfigSource = { description: 'test source', read: () => new Promise((resolve, reject) => reads.push({ resolve, reject })) };
  return { src, reads };
}
const text = (admins: string[] = []) => JSON.stringify({ ...testConfig().document, admins });
const doc = (t: string): StoredDocument => ({ text: t, version: GatewayConfig.versionOf(t) });
const flush = () => new Promise((r) => setImmediate(r));

describe('configuration cache (injected source and clock)', () => {
  it('loads once for concurrent first requests, then serves for the TTL without reading', async () => {
    const { src, reads } = source();
    let now = 0;
    const cache = new ConfigCache(
      src,
      60,
      createLogger(() => undefined),
      () => now,
    );
    const both = Promise.all([cache.get(), cache.get()]);
    await flush();
    expect(reads).toHaveLength(1);
    reads[0]!.resolve(doc(text()));
    const [a, b] = await both;
    expect(a).toBe(b);
    now = 59_999;
    await cache.get();
    expect(reads).toHaveLength(1);
  });

  it('after the TTL serves the held document at once and refreshes behind it', async () => {
    const { src, reads } = source();
    let now = 0;
    const cache = new ConfigCache(
      src,
      0.5,
      createLogger(() => undefined),
      () => now,
    );
    const loading = cache.get();
    await flush();
    reads[0]!.resolve(doc(text()));
    const first = await loading;
    now = 500;
    expect(await cache.get()).toBe(first); // did not wait for the read
    expect(reads).toHaveLength(2);
    reads[1]!.resolve(doc(text(['user:new@example.com'])));
    await flush();
    expect((await cache.get()).admins.has('user:new@example.com')).toBe(true);
  });

  it('keeps the last good document when a refresh is invalid, logging the problem once and never the content', async () => {
    const { src, reads } = source();
    const lines: string[] = [];
    let now = 0;
    const cache = new ConfigCache(
      src,
      1,
      createLogger((l) => lines.push(l)),
      () => now,
    );
    const loading = cache.get();
    await flush();
    reads[0]!.resolve(doc(text()));
    const good = await loading;
    for (let i = 1; i <= 2; i++) {
      now = i * 1000;
      expect(await cache.get()).toBe(good);
      reads[i]!.resolve(doc('{"version":1,"signingKey":"sk-SECRET-abc"'));
      await flush();
    }
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'WARN', message: 'configuration refresh failed; keeping the last good document' });
    expect(lines[0]).not.toContain('SECRET');
  });

  it('answers 503 while no good document was ever loaded', async () => {
    const { src, reads } = source();
    const cache = new ConfigCache(
      src,
      60,
      createLogger(() => undefined),
      () => 0,
    );
    const first = cache.get();
    await flush();
    reads[0]!.reject(new Error('unreachable'));
    await expect(first).rejects.toMatchObject({ status: 503, code: 'configuration_unavailable' });
  });
});
