// What a TLS connection trusts and presents: the transport layer's settings, which the facade
// carries as Options::tls. Kept apart from options.hpp so that the transport depends on nothing
// above it (docs/design.md, "Layers").
#pragma once

#include <string>
#include <vector>

namespace mqtt_setup {

/// TLS is off unless `enabled`; when on, the broker's certificate chain and host name are
/// verified against `ca_file`/`ca_path`/`ca_pem`, or the system store when none is given.
struct TlsOptions {
  bool enabled = false;
  std::string ca_file;       // PEM bundle
  std::string ca_path;       // directory of PEM files
  std::string ca_pem;        // PEM text (e.g. embedded in firmware)
  std::string cert_file;     // client certificate (mutual TLS)
  std::string key_file;      // its private key
  std::string server_name;   // checked against the certificate and sent as SNI; default: host
  std::vector<std::string> alpn;  // e.g. {"x-amzn-mqtt-ca"} for AWS IoT on port 443
  bool insecure = false;     // turns verification off; a warning is logged on every connect
};

}  // namespace mqtt_setup
