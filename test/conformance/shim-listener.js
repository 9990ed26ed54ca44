// The Node host Listener as embedded:io/socket/listener, with the shim port mapping.
export { Listener as default } from "./shim.js";
