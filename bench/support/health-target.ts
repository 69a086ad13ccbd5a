/** The HTTP endpoint the probe benchmark checks: answers every request `200 ok`, own process. */
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('ok');
});
server.keepAliveTimeout = 10_000;
server.listen(0, '127.0.0.1', 1024, () => {
  const address = server.address();
  if (address !== null && typeof address === 'object')
    process.stdout.write(`PORT ${address.port}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
