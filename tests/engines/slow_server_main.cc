// strata-server-slow: the real server around the test-only SlowEngine, so the integration
// suites can run against an engine that keeps nothing resident until it is prefetched.
// Built only with the tests; never installed.
#include "engines/slow_engine.h"
#include "server/server_main.h"
#include "storage/engine_factory.h"

int main(int argc, char** argv) {
  strata::SetEngineWrapperForTesting([](std::unique_ptr<strata::StorageEngine> engine) {
    return std::unique_ptr<strata::StorageEngine>(
        std::make_unique<strata::testing::SlowEngine>(std::move(engine)));
  });
  return strata::RunStrataServer(argc, argv);
}
