// MQTT 5.0 enhanced authentication ([MQTT-4.12]): the method a client proves itself with,
// as one small interface the session drives. A challenge/response method (SCRAM-SHA-256,
// Kerberos, ...) implements it; the session puts method() and start()'s data in CONNECT,
// answers each AUTH 0x18 (continue authentication) with challenge()'s response, and hands the
// server's data of the successful CONNACK (or AUTH 0x00 after a re-authentication) to finish().
//
// Exchange, as the session runs it:
//   CONNECT  method(), data = start()
//   AUTH 0x18 <- server data            -> AUTH 0x18, data = challenge(server data)   (0..n times)
//   CONNACK 0x00 <- server data          -> finish(server data): an error fails the connection
//   later, Session::reauthenticate(): AUTH 0x19, data = start(); the same 0x18 rounds; AUTH 0x00
//   from the server ends it -> finish(server data).
//
// Memory: the data an implementation returns is its own (a view into its members), valid until
// its next call; no heap is required. Threading: used only from the session's thread.
// Lifetime: the caller owns the authenticator and keeps it alive as long as the session.
#pragma once

#include <cstdint>
#include <string_view>

#include "mqtt_setup/bytes.hpp"
#include "mqtt_setup/result.hpp"

namespace mqtt_setup {

/// Why an authenticator gave up; Event::auth_error when the connection ended for it.
enum class AuthError : std::uint8_t {
  None = 0,
  MalformedChallenge,  // the server's data is not what this method expects
  ServerNotVerified,   // the server's final data does not prove it knows the secret (SCRAM
                       // server signature mismatch): a broker impersonating ours, or a bug
  ServerError,         // the server's final data reports an error (SCRAM "e=...")
  OutOfOrder,          // a step at the wrong moment (challenge() before start(), ...)
  TooLarge,            // a message does not fit the authenticator's buffers
  RandomFailed,        // the random source could not give a nonce
  CryptoFailed,        // the crypto library failed
};
std::string_view describe(AuthError error);

class Authenticator {
 public:
  /// The Authentication Method property, e.g. "SCRAM-SHA-256". Constant for the object's life.
  virtual std::string_view method() const = 0;
  /// Starts an exchange (a connection, or a re-authentication): forgets any earlier one and
  /// returns the Authentication Data for CONNECT / AUTH 0x19 (empty: none is sent).
  virtual Result<codec::Bytes, AuthError> start() = 0;
  /// The server's data from AUTH 0x18 -> our response for AUTH 0x18.
  virtual Result<codec::Bytes, AuthError> challenge(codec::Bytes server_data) = 0;
  /// The server's data from the successful CONNACK or AUTH 0x00 (empty when it sent none).
  /// An error ends the connection: the server did not prove what the method requires.
  virtual Result<void, AuthError> finish(codec::Bytes server_data) = 0;

 protected:
  Authenticator() = default;
  Authenticator(const Authenticator&) = default;
  Authenticator& operator=(const Authenticator&) = default;
  ~Authenticator() = default;  // never deleted through this interface
};

}  // namespace mqtt_setup
