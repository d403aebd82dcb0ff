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

}  // namespace strata
