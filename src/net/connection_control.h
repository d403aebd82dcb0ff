// What a command can ask of the connection it arrived on. Implemented by net::Connection;
// the layers above hold it as the client's connection handle.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace strata::net {

// Every method is called on the connection's own thread unless noted.
class ConnectionControl {
 public:
  virtual ~ConnectionControl() = default;
  // Close once the pending replies are written (QUIT).
  virtual void CloseAfterReply() = 0;
  // Thread-safe: closes the connection from any thread (CLIENT KILL).
  virtual void RequestClose() = 0;
  // Raises or lowers the protocol limits once the client authenticates.
  virtual void SetAuthenticated(bool authenticated) = 0;
  virtual std::string PeerAddress() const = 0;   // "ip:port"
  virtual std::string LocalAddress() const = 0;  // "ip:port"
  virtual int Fd() const = 0;
  // Bytes buffered for input / output right now (CLIENT LIST qbuf, omem).
  virtual std::size_t QueryBufferBytes() const = 0;
  virtual std::size_t OutputBufferBytes() const = 0;
  // Thread-safe: ends a blocking command with `reply` (raw RESP) and resumes the client.
  // Call while holding the client's `mu` with `conn` non-null.
  virtual void Resume(std::string reply) = 0;
  // Thread-safe: the storage engine has loaded what the command the connection is waiting
  // on needs (SessionAction::kPending): hand that command to the session again. Does
  // nothing when the connection is not waiting or is closed.
  virtual void ResumePending() = 0;
  // Thread-safe: queues `frame` (raw RESP, a pub/sub message) behind whatever the client
  // has pending and writes it from the connection's thread. Frames pushed by one thread
  // arrive in the order pushed. Call only while the connection is known to be open (the
  // pub/sub registry's lock guarantees it for subscribers).
  virtual void Push(std::string_view frame) = 0;
  // The client has subscriptions (Redis's pubsub client class): the pubsub output limits
  // (NetEnv) apply to it, since its output is pushed whether it reads or not.
  virtual void SetPubSubClass(bool on) = 0;
  // The current request will hold this thread for long (a busy script): the thread's other
  // connections are served from a helper thread until ReclaimThread, which the same request
  // calls before it writes its reply. Connection thread only.
  virtual void LendThread() = 0;
  virtual void ReclaimThread() = 0;
};

}  // namespace strata::net
