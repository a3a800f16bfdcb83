// Preloaded with `node --require` by tests/e2e/test_client.py: server-everything calls
// `app.listen(PORT)`, which listens on every interface. Tests bind loopback only, so a
// listen() given a port and no host gets 127.0.0.1.
const net = require("node:net");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === "number" || (typeof args[0] === "string" && /^\d+$/.test(args[0]))) {
    if (args.length === 1 || typeof args[1] === "function") args.splice(1, 0, "127.0.0.1");
  }
  return listen.apply(this, args);
};
