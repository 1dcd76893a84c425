import { checkDeployment, ConfigValidationError, parseConfigDocument } from '../../lambda/config/validate';
import { endpointProblem } from '../../lambda/config/endpoint-rule';
import { testConfig } from '../helpers/test-config';

function problemsOf(doc: unknown): string[] {
  try {
    parseConfigDocument(JSON.stringify(doc), 'test');
  } catch (error) {
    if (error instanceof ConfigValidationError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('configuration validation', () => {
  it('accepts the test configuration and fills defaults', () => {
    const doc = parseConfigDocument(JSON.stringify(testConfig().document), 'test');
    expect(doc.accounts[0]!.models[0]!.route).toBe('auto');
  });

  it('lists every problem by JSON path', () => {
    const { document } = testConfig();
    const doc = JSON.parse(JSON.stringify(document));
    doc.signingKey = 'c2hvcnQ=';
    doc.accounts[0].region = 'mars-1';
    doc.accounts[0].auth = { type: 'assume-role', roleArn: 'not-an-arn', sessionDurationSeconds: 60 };
    doc.accounts[1].models[0].apis = ['chat', 'chat'];
    const problems = problemsOf(doc);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\$\.signingKey: must be base64 of at least 32/),
        expect.stringMatching(/^\$\.accounts\[0\]\.region: /),
        expect.stringMatching(/^\$\.accounts\[0\]\.auth\.roleArn: must be an IAM role ARN/),
        expect.stringMatching(/^\$\.accounts\[0\]\.auth\.sessionDurationSeconds: /),
        expect.stringMatching(/^\$\.accounts\[1\]\.models\[0\]\.apis: must not repeat an API/),
      ]),
    );
    expect(problems.length).toBeGreaterThanOrEqual(5);
  });

  it('refuses a document without a signing key, saying so', () => {
    const { document } = testConfig();
    const { signingKey: _omit, ...rest } = document;
    expect(problemsOf(rest)).toEqual([expect.stringMatching(/^\$\.signingKey: /)]);
  });

  it('refuses duplicate account and model names and undefined teams', () => {
    const { document } = testConfig();
    const doc = JSON.parse(JSON.stringify(document));
    doc.accounts[2].name = 'sim';
    doc.accounts[0].models.push({ modelId: 'openai.gpt-oss-120b' });
    doc.accounts[1].collaborators.push({ subject: 'team:nobody', role: 'user' });
    const problems = problemsOf(doc);
    expect(problems).toEqual(
      expect.arrayContaining([
        '$.accounts[2].name: duplicate name "sim"',
        '$.accounts[0].models[7].name: duplicate name "gpt-oss-120b"',
        '$.accounts[1].collaborators[1].subject: team "nobody" is not defined in "teams"',
      ]),
    );
  });

  it('refuses unknown fields (a typo is not silently ignored)', () => {
    const { document } = testConfig();
    expect(problemsOf({ ...document, acounts: [] })).toEqual([expect.stringMatching(/^\$: Unrecognized key/)]);
  });

  it('never repeats a secret value in a problem', () => {
    const { document } = testConfig();
    const doc = JSON.parse(JSON.stringify(document));
    doc.accounts[0].auth.accessKeyId = 'SHORTSECRETVALUE';
    doc.accounts[0].auth.secretAccessKey = 42;
    const text = problemsOf(doc).join('\n');
    expect(text).toContain('$.accounts[0].auth.secretAccessKey');
    expect(text).not.toContain('SHORTSECRETVALUE');
  });

  it('reports invalid JSON', () => {
    expect(() => parseConfigDocument('{', 'file x.json')).toThrow(/Invalid configuration in file x.json:\n {2}- \$: not valid JSON/);
  });

  it.each([
    ['{"signingKey": sk-SECRETVALUE1234}', /not valid JSON \(an unexpected character\)$/],
    ['{"apiKey": "sk-SECRETVALUE1234" "x": 1}', /not valid JSON at line 1, column 33$/],
    ['{\n  "apiKey": "sk-SECRETVALUE1234",\n}', /not valid JSON at line 3, column 1$/],
  ])('says where a malformed document breaks, never quoting it (%#)', (text, where) => {
    let problems: readonly string[] = [];
    try {
      parseConfigDocument(text, 'file x.json');
    } catch (error) {
      problems = (error as ConfigValidationError).problems;
    }
    expect(problems).toEqual([expect.stringMatching(where)]);
    expect(problems.join()).not.toContain('SECRET');
    expect(problems.join()).not.toContain('sk-');
  });

  it('bounds the models of one account', () => {
    const doc = JSON.parse(JSON.stringify(testConfig().document));
    doc.accounts[2].models = Array.from({ length: 201 }, (_, i) => ({ name: `m${i}`, modelId: 'openai.gpt-oss-120b' }));
    expect(problemsOf(doc)).toEqual([expect.stringMatching(/^\$\.accounts\[2\]\.models: at most 200 models per account/)]);
  });

  describe('endpoint rule', () => {
    it.each([
      'https://bedrock-mantle.us-east-1.api.aws',
      'https://bedrock-mantle-fips.us-east-1.api.aws',
      'https://vpce-1.bedrock-mantle.us-east-1.vpce.amazonaws.com',
      'https://vpce-0a1b2c3d4e5f60789-abcdefgh.bedrock-mantle.us-east-1.vpce.amazonaws.com',
      'https://vpce-0a1b2c3d4e5f60789-abcdefgh-us-east-1a.bedrock-mantle-fips.us-east-1.vpce.amazonaws.com',
      'http://127.0.0.1:9100',
      'http://localhost:1',
      'http://[::1]:8080',
    ])('accepts %s', (url) => expect(endpointProblem(url)).toBeUndefined());
    it.each([
      'http://bedrock-mantle.us-east-1.api.aws',
      'https://evil.example.com',
      // Hosts under AWS domains that a customer can own, or another AWS service.
      'https://abc123.execute-api.us-east-1.amazonaws.com',
      'https://my-bucket.s3.amazonaws.com',
      'https://bedrock-mantle.us-east-1.amazonaws.com',
      'https://lambda-url.us-east-1.on.aws',
      'https://vpce-1.execute-api.us-east-1.vpce.amazonaws.com',
      'https://vpce-1.bedrock-mantle.us-east-1.vpce.amazonaws.com.evil.com',
      'https://x.bedrock-mantle.us-east-1.api.aws',
      'https://bedrock-mantle.us-east-1.api.aws:8443',
      'https://api.aws',
      'https://api.aws.evil.com',
      'http://10.0.0.1:80',
      'http://169.254.169.254',
      'https://user:pw@bedrock-mantle.us-east-1.api.aws',
      'https://bedrock-mantle.us-east-1.api.aws/some/path',
      'file:///etc/passwd',
      'not a url',
    ])('refuses %s', (url) => expect(endpointProblem(url)).toBeDefined());

    it("refuses a Mantle host of a region none of the account's requests go to", () => {
      const doc = JSON.parse(JSON.stringify(testConfig().document));
      doc.accounts[2].endpoint = 'https://bedrock-mantle.us-east-1.api.aws'; // the account is in eu-west-1
      expect(problemsOf(doc)).toEqual([expect.stringMatching(/^\$\.accounts\[2\]\.endpoint: names region "us-east-1"/)]);
      doc.accounts[2].endpoint = 'https://vpce-0abc-def.bedrock-mantle.eu-west-1.vpce.amazonaws.com';
      expect(problemsOf(doc)).toEqual([]);
    });
  });
});

describe('limits in the document', () => {
  const withLimits = (limits: unknown[]) => ({ ...JSON.parse(JSON.stringify(testConfig().document)), limits });

  it('accepts limits whose filters name existing teams, accounts and models', () => {
    expect(
      problemsOf(
        withLimits([
          { name: 'ml-monthly', subjects: ['team:ml'], pooled: true, per: 'month', usd: 500 },
          { name: 'rpm', subjects: ['*'], per: 'minute', requests: 60, tokens: 400000 },
          { name: 'gpt55-prod', accounts: ['sim'], models: ['gpt-5.5'], pooled: true, per: 'minute', tokens: 2000000, shards: 8 },
        ]),
      ),
    ).toEqual([]);
  });

  it('lists every problem of a limit by JSON path', () => {
    // Field rules first (zod checks the whole-document rules only once every field passes).
    expect(
      problemsOf(
        withLimits([
          { name: 'bad name!', per: 'fortnight' },
          { name: 'zero', per: 'day', requests: 0 },
          { name: 'shards', per: 'day', requests: 10, shards: 4 },
          { name: 'empty', per: 'day' },
        ]),
      ),
    ).toEqual([
      expect.stringMatching(/^\$\.limits\[0\]\.name: /),
      expect.stringMatching(/^\$\.limits\[0\]\.per: /),
      expect.stringMatching(/^\$\.limits\[1\]\.requests: /),
      expect.stringMatching(/^\$\.limits\[2\]: "shards" applies to pooled limits only/),
      expect.stringMatching(/^\$\.limits\[3\]: needs at least one of "requests", "tokens" and "usd"/),
    ]);
    // Then the filters, against the document's teams, accounts and models.
    expect(
      problemsOf(
        withLimits([
          { name: 'dup', per: 'day', requests: 1, subjects: ['team:nope'], accounts: ['nowhere'], models: ['nothing'] },
          { name: 'dup', per: 'day', requests: 1, accounts: ['keyed'], models: ['gpt-5.5'] },
        ]),
      ),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\$\.limits\[1\]\.name: duplicate name "dup"/),
        expect.stringMatching(/^\$\.limits\[0\]\.subjects\[0\]: team "nope" is not defined/),
        expect.stringMatching(/^\$\.limits\[0\]\.accounts\[0\]: no account named "nowhere"/),
        expect.stringMatching(/^\$\.limits\[0\]\.models\[0\]: no model named "nothing"/),
        expect.stringMatching(/^\$\.limits\[1\]\.models\[0\]: no model named "gpt-5.5" in those accounts/),
      ]),
    );
  });

  it('refuses limits when no state table is configured, saying what to set', () => {
    const document = parseConfigDocument(JSON.stringify(withLimits([{ name: 'rpm', per: 'minute', requests: 1 }])), 'x');
    expect(() => checkDeployment(document, 'x', undefined)).toThrow(/limits need the state table; set GATEWAY_TABLE_NAME/);
    expect(() => checkDeployment(document, 'x', 'my-table')).not.toThrow();
  });
});
