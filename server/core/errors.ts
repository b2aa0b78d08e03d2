/**
 * The one error handler. Every error leaves the server as `{ code, message, requestId }`:
 * 4xx with the reason a user can act on; 5xx with a generic message (details only in the log),
 * never a stack trace or SQL.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** An error whose message is meant for the user. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code = 'bad_request') => new HttpError(400, code, message);
export const notFound = (message: string, code = 'not_found') => new HttpError(404, code, message);
export const conflict = (message: string, code = 'conflict') => new HttpError(409, code, message);

const INTERNAL = 'Internal error; it has been logged. / 服务器内部错误，已记录。';

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    if (err instanceof HttpError) {
      return reply.status(err.statusCode).send({ code: err.code, message: err.message, requestId: req.id });
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      return reply
        .status(400)
        .send({ code: 'validation', message: `${fe.validationContext ?? 'request'} ${fe.message}`.trim(), requestId: req.id });
    }
    const status = fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500 ? fe.statusCode : 500;
    if (status < 500) {
      return reply.status(status).send({ code: (fe.code ?? 'bad_request').toLowerCase(), message: fe.message, requestId: req.id });
    }
    req.log.error({ err }, 'request failed');
    return reply.status(500).send({ code: 'internal', message: INTERNAL, requestId: req.id });
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({ code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}`, requestId: req.id });
  });
}

/**
 * For Fastify's `frameworkErrors` option (server/app.ts): the router's own refusals — a URL that
 * does not decode (FST_ERR_BAD_URL, 400), a path parameter over `maxParamLength`
 * (FST_ERR_MAX_PARAM_LENGTH, 414) — happen before any route and bypass the error handler; by
 * default Fastify writes `{error, code, message, statusCode}` quoting the URL. Same shape as above.
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  if (err.statusCode === 414) {
    reply.status(414).send({ code: 'uri_too_long', message: 'A part of the URL is too long. / URL 中的参数过长。', requestId: req.id });
  } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    reply.status(400).send({ code: 'bad_url', message: 'The URL is malformed. / URL 格式错误。', requestId: req.id });
  } else {
    req.log.error({ err }, 'request failed in the router');
    reply.status(500).send({ code: 'internal', message: INTERNAL, requestId: req.id });
  }
}
