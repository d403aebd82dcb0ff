#include "storage/engine_factory.h"

#include "storage/memory/memory_engine.h"

namespace strata {
namespace {

EngineWrapper engine_wrapper = nullptr;

}  // namespace

void SetEngineWrapperForTesting(EngineWrapper wrap) { engine_wrapper = wrap; }

StatusOr<std::unique_ptr<StorageEngine>> OpenStorageEngine(const Config& config) {
  const std::string& engine = config.storage.engine;
  if (engine == "memory") {
    std::unique_ptr<StorageEngine> opened =
        std::make_unique<memory::MemoryEngine>(config.server.databases);
    if (engine_wrapper != nullptr) opened = engine_wrapper(std::move(opened));
    return opened;
  }
  if (engine == "hybridlog" || engine == "cloud") {
    return Status::NotSupported("storage.engine = \"" + engine +
                                "\" is not available in this build yet; use \"memory\"");
  }
  return Status::InvalidArgument("unknown storage.engine \"" + engine + "\"");
}

}  // namespace strata
