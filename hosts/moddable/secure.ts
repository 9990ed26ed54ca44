// sslTls on a device. TLS is opt-in (the SDK's TLS and crypto are a large part of an image), and a
// preloaded host cannot reach a module the app may not have: an app that includes the package's
// manifest_tls.json gives the TLS class itself, as the option tcp: moddableSecure(settings).TCP
// (docs/tls.md). sslTls: true alone gives an "error" saying so.

import type { SecureSettings, SecureTransport } from "../../modules/socket/host.js";

export function secure(_settings: SecureSettings): SecureTransport {
  throw new Error("on Moddable, include the package's manifest_tls.json and pass the option tcp: moddableSecure(settings).TCP (see docs/tls.md)");
}
