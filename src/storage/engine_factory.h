// Chooses the storage engine named in the configuration.
#pragma once

#include <memory>

#include "strata/config.h"
#include "strata/status.h"
#include "strata/storage_engine.h"

namespace strata {

// "memory" opens the in-RAM engine. Engines that are not built yet are refused with a
// clear error rather than silently replaced.
StatusOr<std::unique_ptr<StorageEngine>> OpenStorageEngine(const Config& config);

// Test binaries only: every engine OpenStorageEngine opens is handed to `wrap`, and the
// engine it returns is used instead (the test-only checking engine wraps the real one).
// Call before the server starts.
using EngineWrapper = std::unique_ptr<StorageEngine> (*)(std::unique_ptr<StorageEngine> engine);
void SetEngineWrapperForTesting(EngineWrapper wrap);

}  // namespace strata
