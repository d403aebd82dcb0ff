// The network layer's view of whoever handles commands. net/ knows nothing of commands or
// storage: a Connection parses requests and hands each one to its Session.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "net/connection_control.h"
#include "protocol/reply_builder.h"

namespace strata::net {

struct SessionAction {
  enum Kind : std::uint8_t {
    kDone,        // the command ran; its reply (if any) is in the builder
    kRetryLater,  // the command did not run (e.g. CLIENT PAUSE); call again after delay_ms
    kPending,     // the command did not run: the engine is loading its keys. It stays in
                  // the input buffer and nothing more is processed until
                  // ConnectionControl::ResumePending; then it is handed in again
    kBlocked,     // a blocking command waits: no more input is processed until
                  // ConnectionControl::Resume, or OnBlockTimeout after delay_ms (0: never)
  };
  Kind kind = kDone;
  std::int64_t delay_ms = 0;
};

class Session {
 public:
  virtual ~Session() = default;
  // The commands parsed from one read are handed in between OnBatchBegin and OnBatchEnd,
  // which bracket them on the connection's thread with nothing else in between.
  virtual void OnBatchBegin() {}
  virtual void OnBatchEnd() {}
  virtual SessionAction OnCommand(std::span<const std::string_view> args, ReplyBuilder& reply) = 0;
  // The connection is closing; called once, on the connection's thread.
  virtual void OnClose() = 0;
  // A blocked command's timeout passed: writes its timeout reply and returns true, or
  // returns false when the command is being served right now (its reply comes by Resume;
  // ask again shortly in case that attempt fails).
  virtual bool OnBlockTimeout(ReplyBuilder& reply) = 0;
  // Whether the client is authenticated when its connection starts (no password is
  // required): until it is, the parser applies the stricter unauthenticated limits.
  virtual bool authenticated() const = 0;
};

class SessionFactory {
 public:
  virtual ~SessionFactory() = default;
  virtual std::unique_ptr<Session> NewSession(ConnectionControl* conn) = 0;
};

}  // namespace strata::net
