'use strict';
// @actions/core imports undici (through @actions/http-client) only for the ProxyAgent of its OIDC
// client, core.getIDToken(), which this Action never calls. The bundle gives that import this
// stand-in, so the Action's first log line does not wait for undici (about 400 KiB) to compile.
// GitHub Deployments go through @actions/github, which loads the real undici when it is needed.
class ProxyAgent {
  constructor() {
    throw new Error('the Assembly Line bundle does not include the proxy agent of core.getIDToken()');
  }
}
module.exports = { ProxyAgent };
