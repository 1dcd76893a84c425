import { AssumedRoleCredentials, AssumeRoleError } from '../../lambda/credentials/assumed-role-credentials';

/** A fake STS client: each AssumeRole answer is a promise the test resolves. */
function fakeSts() {
  const calls: { resolve: (out: unknown) => void; reject: (e: unknown) => void; input: any }[] = [];
  const client = {
    send: (command: { input: unknown }) =>
      new Promise((resolve, reject) => {
        calls.push({ resolve, reject, input: command.input });
      }),
  };
  return { client: () => client as never, calls };
}

const key = { roleArn: 'arn:aws:iam::111122223333:role/R', externalId: 'ext', sessionName: 'mgw-user.x', durationSeconds: 900 };
const issued = (n: number, expiresAtMs: number) => ({
  Credentials: { AccessKeyId: `AKIA${n}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(expiresAtMs) },
});
const flush = () => new Promise((r) => setImmediate(r));

describe('assumed-role credential cache (injected STS and clock)', () => {
  it('collapses concurrent requests into one AssumeRole with the external id and session name', async () => {
    const sts = fakeSts();
    const now = 0;
    const cache = new AssumedRoleCredentials(sts.client, () => now);
    const both = Promise.all([cache.get(key), cache.get(key)]);
    await flush();
    expect(sts.calls).toHaveLength(1);
    expect(sts.calls[0]!.input).toEqual({ RoleArn: key.roleArn, RoleSessionName: key.sessionName, DurationSeconds: 900, ExternalId: 'ext' });
    sts.calls[0]!.resolve(issued(1, 900_000));
    const [a, b] = await both;
    expect(a).toBe(b);
  });

  it('serves cached credentials, refreshes in the background within 5 minutes of expiry, and waits only when nearly expired', async () => {
    const sts = fakeSts();
    let now = 0;
    const cache = new AssumedRoleCredentials(sts.client, () => now);
    const first = cache.get(key);
    await flush();
    sts.calls[0]!.resolve(issued(1, 900_000));
    const one = await first;
    now = 550_000; // 350 s left
    expect(await cache.get(key)).toBe(one);
    expect(sts.calls).toHaveLength(1);
    now = 650_000; // 250 s left: refresh starts, the current credentials still serve
    expect(await cache.get(key)).toBe(one);
    await flush();
    expect(sts.calls).toHaveLength(2);
    sts.calls[1]!.resolve(issued(2, 1_550_000));
    await flush();
    expect((await cache.get(key)).accessKeyId).toBe('AKIA2');
  });

  it('keeps valid credentials when a refresh fails, and reports STS failures explained', async () => {
    const sts = fakeSts();
    let now = 0;
    const cache = new AssumedRoleCredentials(sts.client, () => now);
    const first = cache.get(key);
    await flush();
    sts.calls[0]!.resolve(issued(1, 900_000));
    const one = await first;
    now = 700_000;
    expect(await cache.get(key)).toBe(one);
    await flush();
    sts.calls[1]!.reject(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));
    await flush();
    expect(await cache.get(key)).toBe(one); // still valid, a new refresh is tried
    now = 890_000; // 10 s left: the request waits for STS, which refuses
    const waiting = cache.get(key);
    await flush();
    sts.calls.at(-1)!.reject(Object.assign(new Error('no'), { name: 'AccessDenied' }));
    await expect(waiting).rejects.toBeInstanceOf(AssumeRoleError);
    await expect(waiting).rejects.toMatchObject({ code: 'assume_role_denied' });
  });
});
