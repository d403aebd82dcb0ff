// The whole of strata-server's main: parses the command line, loads the configuration and
// runs the server. In a library so that test binaries can run the same server around a
// test-only engine (see storage/engine_factory.h's SetEngineWrapperForTesting).
#pragma once

namespace strata {

// Returns the process exit status.
int RunStrataServer(int argc, char** argv);

}  // namespace strata
