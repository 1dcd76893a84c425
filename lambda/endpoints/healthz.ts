import { jsonResponse } from '../http/response';
import type { Endpoint } from './services';

/** Liveness: no auth, no configuration, no upstream call. */
export const healthz: Endpoint = async () => jsonResponse(200, { status: 'ok' }, { 'cache-control': 'no-store' });
