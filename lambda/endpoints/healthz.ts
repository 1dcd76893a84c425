import { jsonResponse } from '../http/response';
import { PlainSurface } from '../surfaces/plain';
import { endpoint } from './services';

/** Liveness: no auth, no configuration, no upstream call. */
export const healthz = endpoint(PlainSurface.health, async () => jsonResponse(200, { status: 'ok' }, { 'cache-control': 'no-store' }));
