// The module "socket" on platforms without Moddable's legacy "socket" module: this package's API only.
export {
  Socket,
  SocketClient,
  SocketServer,
  supportedReceiveTypes,
  supportedSendTypes,
} from "accessor-socket/hosts/moddable/socket";
