// Preload for server-everything over streamable HTTP (`node --require <this file> ...`). That
// server calls `app.listen(process.env.PORT)`, which binds every interface and, with PORT=0,
// never tells which port it got. This makes a listen without a host bind 127.0.0.1, and prints
// `loopback-listen <address>:<port>` to stderr once the socket listens.
const net = require('node:net');

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first, second] = args;
  if (first === undefined || typeof first === 'function') {
    args.unshift(0, '127.0.0.1');
  } else if (
    (typeof first === 'number' || /^\d+$/.test(String(first))) &&
    typeof second !== 'string'
  ) {
    args.splice(1, 0, '127.0.0.1');
  } else if (first && typeof first === 'object' && first.host === undefined && !first.path) {
    args[0] = { ...first, host: '127.0.0.1' };
  }
  this.once('listening', () => {
    const address = this.address();
    if (address && typeof address === 'object') {
      process.stderr.write(`loopback-listen ${address.address}:${address.port}\n`);
    }
  });
  return listen.apply(this, args);
};
