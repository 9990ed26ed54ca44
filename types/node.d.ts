// Declarations of the npm package "accessor-socket" (package.json "types"): the public API of
// ./api.d.ts — the same declarations a Moddable app gets for "socket" — bound to the Node host.
//
// Node specifics (the values, not the types, differ from a device):
// - defaults: receiveBufferSize and sendBufferSize 65536, maxMessageSize and maxUnsentBytes 16 MiB;
// - EventEmitter is exported as a class (a device exports the type only);
// - the host's ECMA-419 classes are the subpaths "accessor-socket/tcp" and "accessor-socket/listener".

export * from "./api.js";
