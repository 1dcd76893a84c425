import { InvalidRequestError, PayloadTooLargeError } from '../kernel/errors';
import type { GatewayRequest } from '../http/request';
import type { JsonObject } from '../surfaces/surface';
import { bodyStructureProblem, MAX_BODY_DEPTH } from './body-structure';

/** Parses a request body that must be a JSON object no larger than `maxBytes`. */
export function jsonObjectBody(request: GatewayRequest, maxBytes: number): JsonObject {
  if (request.body.length > maxBytes) throw new PayloadTooLargeError(maxBytes);
  const type = request.headers['content-type'];
  if (type !== undefined && !/^application\/([\w.+-]*\+)?json\b/i.test(type.trim())) {
    throw new InvalidRequestError(`Unsupported content-type '${type.slice(0, 100)}'; send application/json.`, 'unsupported_content_type');
  }
  if (request.body.length === 0) throw new InvalidRequestError('The request body is empty; send a JSON object.', 'invalid_json');
  const text = request.body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidRequestError('The request body is not valid JSON.', 'invalid_json');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidRequestError('The request body must be a JSON object.', 'invalid_json');
  }
  const problem = bodyStructureProblem(text);
  if (problem?.kind === 'duplicate-key') {
    throw new InvalidRequestError(`The request body repeats the key '${problem.path.slice(0, 100)}'; send each key once.`, 'duplicate_key', {
      param: problem.path.slice(0, 100),
    });
  }
  if (problem) throw new InvalidRequestError(`The request body is nested deeper than ${MAX_BODY_DEPTH} levels.`, 'invalid_json');
  return parsed as JsonObject;
}

/** The body's `model`, which must be a non-empty string. */
export function requestedModel(body: JsonObject): string {
  const model = body.model;
  if (typeof model !== 'string' || model.trim() === '') {
    throw new InvalidRequestError(
      "'model' is required and must be a string such as 'account/model'.",
      model === undefined ? 'missing_required_parameter' : 'invalid_type',
      {
        param: 'model',
      },
    );
  }
  return model;
}
