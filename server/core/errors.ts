/**
 * The one error handler. Every error leaves the server as `{ code, message, requestId }`:
 * 4xx with the reason a user can act on; 5xx with a generic message (details only in the log),
 * never a stack trace or SQL.
 */
import type { FastifyError, FastifyInstance } from 'fastify';

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
    return reply
      .status(500)
      .send({ code: 'internal', message: 'Internal error; it has been logged. / 服务器内部错误，已记录。', requestId: req.id });
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({ code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}`, requestId: req.id });
  });
}
