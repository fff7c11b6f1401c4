import { failureStatus } from '../apimachinery/status.js';
import { writeStatus } from '../endpoints/responsewriters/status.js';
import { GenericAPIServer } from './generic-apiserver.js';

/**
 * The end of the chain. Until every server's routes are known to be installed
 * (the CRD and APIService caches have synced), a miss may be a route that is
 * about to exist: 503 with Retry-After, so clients retry instead of concluding
 * "not found". After that, a 404 Status naming the path.
 */
export function createNotFoundServer(pendingSignals: () => string[]): GenericAPIServer {
  const server = new GenericAPIServer('notFound');
  server.routes.use((req, res) => {
    const pending = pendingSignals();
    if (pending.length > 0) {
      writeStatus(
        res,
        failureStatus(
          503,
          'ServiceUnavailable',
          `the request has been made before all known HTTP paths have been installed, please try again (waiting for: ${pending.join(', ')})`,
          { retryAfterSeconds: 5 },
        ),
      );
      return;
    }
    writeStatus(
      res,
      failureStatus(404, 'NotFound', `the server could not find the requested resource (path ${JSON.stringify(req.path)})`, {}),
    );
  });
  return server;
}
