#include "storage/engine_factory.h"

#include "storage/memory/memory_engine.h"

namespace strata {

StatusOr<std::unique_ptr<StorageEngine>> OpenStorageEngine(const Config& config) {
  const std::string& engine = config.storage.engine;
  if (engine == "memory") {
    return std::unique_ptr<StorageEngine>(
        std::make_unique<memory::MemoryEngine>(config.server.databases));
  }
  if (engine == "hybridlog" || engine == "cloud") {
    return Status::NotSupported("storage.engine = \"" + engine +
                                "\" is not available in this build yet; use \"memory\"");
  }
  return Status::InvalidArgument("unknown storage.engine \"" + engine + "\"");
}

}  // namespace strata
