// A trivial app built three times: bare (manifest_bare.json), with what the library manifest
// includes from the SDK (manifest_deps.json: the ECMA-419 IO modules, text decoder/encoder), and
// with the library manifest itself (manifest_lib.json). The differences of the images are what
// those add to flash and static RAM (the library's modules are preloaded: in the image whether
// the app imports them or not).

trace("PASS boots\n");
trace("DONE 0\n");
