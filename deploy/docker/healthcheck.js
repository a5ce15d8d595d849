// Container health check: the service answers 2xx on /health/ready on its own PORT.
const port = process.env.PORT || '8080';
fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2500) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
