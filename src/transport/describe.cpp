// Human sentences for transport errors: what happened and what to try.
#include "mqtt_setup/transport.hpp"

namespace mqtt_setup {

std::string_view describe(TransportError error) {
  switch (error) {
    case TransportError::ResolveFailed:
      return "host name not found — check the spelling of the server name and the DNS settings";
    case TransportError::ConnectRefused:
      return "connection refused — is the broker running and listening on that port?";
    case TransportError::ConnectTimeout:
      return "no answer from the broker in time — check the address, the port and any firewall";
    case TransportError::Unreachable:
      return "network unreachable — check that this device is online and has a route to the broker";
    case TransportError::Closed:
      return "the broker closed the connection — see the broker's log for the reason";
    case TransportError::Reset:
      return "the connection broke (reset or lost) — the network dropped or the broker restarted";
    case TransportError::Timeout:
      return "sending timed out — the broker stopped reading; the link may be dead";
    case TransportError::NotConnected:
      return "not connected — connect first (or the connection was closed)";
    case TransportError::Io:
      return "network error — see the system log; trying again may help";
    case TransportError::TlsUntrusted:
      return "TLS: the broker's certificate is not signed by a trusted CA — pass the right CA file";
    case TransportError::TlsHostnameMismatch:
      return "TLS: the broker's certificate does not name this host — use the name in the "
             "certificate, or set the TLS server name";
    case TransportError::TlsExpired:
      return "TLS: the broker's certificate has expired or is not yet valid — check the clock "
             "of this device and the certificate dates";
    case TransportError::TlsHandshake:
      return "TLS handshake failed — check that the port speaks TLS and that the client "
             "certificate is accepted";
    case TransportError::TlsConfig:
      return "TLS configuration invalid — a CA, certificate or key file is unreadable or malformed";
  }
  return "unknown transport error";
}

bool is_transient(TransportError error) {
  switch (error) {
    // Retrying cannot fix a certificate or a configuration: it would only hide the problem
    // behind an endless reconnect loop.
    case TransportError::TlsUntrusted:
    case TransportError::TlsHostnameMismatch:
    case TransportError::TlsExpired:
    case TransportError::TlsHandshake:
    case TransportError::TlsConfig:
      return false;
    default:
      return true;
  }
}

}  // namespace mqtt_setup
