// The Node host TCP as embedded:io/socket/tcp, with the shim port mapping.
export { TCP as default } from "./shim.js";
