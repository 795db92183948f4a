// The TLS brokers and certificates the CTest fixtures of test/integration/CMakeLists.txt (TLS
// block) provide: certificates from test/support/tls_certs.sh in <broker dir>/tls-certs, and
// one mosquitto per server certificate, started by test/support/broker.sh.
#pragma once

#include <cstdint>
#include <string>

#include "mqtt_setup/options.hpp"
#include "support/broker_port.hpp"

namespace mqtt_setup::test::tls {

// Broker names (<broker dir>/<name>.port): each serves the certificate its name says.
inline constexpr const char* kTrusted = "tls_server";        // server.crt, localhost, trusted
inline constexpr const char* kMutual = "tls_mutual";         // server.crt + client cert required
inline constexpr const char* kWrongHost = "tls_wronghost";   // wronghost.crt: wrong.example
inline constexpr const char* kExpired = "tls_expired";       // expired.crt: 2020..2021
inline constexpr const char* kFuture = "tls_future";         // future.crt: 2090..2099
inline constexpr const char* kSelfSigned = "tls_selfsigned"; // selfsigned.crt
inline constexpr const char* kUntrusted = "tls_untrusted";   // untrusted.crt: other CA
inline constexpr const char* kRestart = "tls_restart";       // server.crt; restarted by a test

/// <broker dir>/tls-certs/<file>.
inline std::string cert(const std::string& file) { return broker_dir() + "/tls-certs/" + file; }

/// TLS options trusting the test CA only.
inline TlsOptions trusting_test_ca() {
  TlsOptions tls;
  tls.enabled = true;
  tls.ca_file = cert("ca.crt");
  return tls;
}

}  // namespace mqtt_setup::test::tls
