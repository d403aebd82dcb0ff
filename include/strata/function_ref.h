// FunctionRef: a non-owning callable reference, shared by the storage seam and the value
// types. It has its own header so that types/ can use it without seeing the seam above it.
#pragma once

#include <type_traits>
#include <utility>

namespace strata {

// A non-owning reference to a callable; cheap to pass, never allocates. The callable must
// outlive the call it is passed to.
template <typename Fn>
class FunctionRef;

template <typename R, typename... Args>
class FunctionRef<R(Args...)> {
 public:
  template <typename F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, FunctionRef>)
  FunctionRef(F&& f)  // NOLINT: implicit by design
      : obj_(const_cast<void*>(static_cast<const void*>(&f))),
        call_([](void* obj, Args... args) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(obj))(std::forward<Args>(args)...);
        }) {}
  R operator()(Args... args) const { return call_(obj_, std::forward<Args>(args)...); }

 private:
  void* obj_;
  R (*call_)(void*, Args...);
};

}  // namespace strata
