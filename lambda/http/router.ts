import { MethodNotAllowedError, NotFoundError } from '../kernel/errors';

/** A matched route: its handler and the path parameters. */
export interface RouteMatch<T> {
  readonly handler: T;
  readonly params: Readonly<Record<string, string>>;
}

/** One path pattern (`/v1/responses/{id}`) and its handlers by method. */
export interface RouteDefinition<T> {
  readonly pattern: string;
  readonly methods: Readonly<Partial<Record<string, T>>>;
}

interface CompiledRoute<T> {
  readonly segments: readonly string[];
  readonly methods: Readonly<Partial<Record<string, T>>>;
}

const PARAM_VALUE = /^[A-Za-z0-9._~:-]{1,512}$/;

/**
 * Matches method and path. Paths are matched as sent, segment by segment: dot segments, empty
 * segments and percent-encoded characters never match a route (so `/v1/../admin` and `%2F` tricks
 * reach nothing), and path parameters accept only id characters.
 */
export class Router<T> {
  private readonly routes: readonly CompiledRoute<T>[];

  public constructor(definitions: readonly RouteDefinition<T>[]) {
    this.routes = definitions.map((d) => ({ segments: d.pattern.split('/').slice(1), methods: d.methods }));
  }

  public match(method: string, path: string): RouteMatch<T> {
    const segments = path.split('/').slice(1);
    const unsafe = segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('%'));
    if (!unsafe) {
      for (const route of this.routes) {
        const params = Router.matchSegments(route.segments, segments);
        if (!params) continue;
        const handler = route.methods[method];
        if (!handler) throw new MethodNotAllowedError(method, Object.keys(route.methods));
        return { handler, params };
      }
    }
    throw new NotFoundError(`Unknown path: ${method} ${path.slice(0, 200)}`, 'unknown_route');
  }

  private static matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
    if (pattern.length !== actual.length) return undefined;
    const params: Record<string, string> = {};
    for (let i = 0; i < pattern.length; i++) {
      const p = pattern[i]!;
      const a = actual[i]!;
      if (p.startsWith('{')) {
        if (!PARAM_VALUE.test(a)) return undefined;
        params[p.slice(1, -1)] = a;
      } else if (p !== a) return undefined;
    }
    return params;
  }
}
