// The mbedTLS client configuration, built once per transport from TlsOptions: what is trusted,
// how strictly, and who we are (mutual TLS).
#include <mbedtls/error.h>

#include <string_view>

#include "mqtt_setup/kconfig_defaults.hpp"
#include "transport/tls_random.hpp"
#include "transport/tls_state.hpp"

#if defined(ESP_PLATFORM)
// ESP-IDF's curated root store, CONFIG_MBEDTLS_CERTIFICATE_BUNDLE
// (components/mbedtls/esp_crt_bundle/include/esp_crt_bundle.h):
//   esp_err_t esp_crt_bundle_attach(void *conf);
// "Attach and enable use of a bundle for certificate verification through a verification
// callback": it installs a placeholder CA chain and its own verify callback on `conf`.
#include "esp_crt_bundle.h"
#endif

namespace mqtt_setup::tls {
namespace {

#if !defined(ESP_PLATFORM)
// Where Linux distributions keep the system CA bundle: Debian/Ubuntu, Fedora/RHEL, openSUSE,
// Alpine (and macOS's OpenSSL).
constexpr const char* kSystemBundles[] = {
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
};
#endif

bool has_certificate(const mbedtls_x509_crt& chain) { return chain.version != 0; }

TransportError config_error(TlsTransportState& state, std::string_view what,
                            std::string_view path = {}, int code = 0) {
  state.detail.clear();
  state.detail << what;
  if (!path.empty()) state.detail << " '" << path << "'";
  if (code != 0) {
    state.detail << ": ";
    state.detail.mbedtls_error(code);
  }
  return TransportError::TlsConfig;
}

void unconfigure(TlsTransportState& state) {
  mbedtls_ssl_config_free(&state.config);
  mbedtls_ssl_config_init(&state.config);
  mbedtls_x509_crt_free(&state.trust);
  mbedtls_x509_crt_init(&state.trust);
  mbedtls_x509_crt_free(&state.own_cert);
  mbedtls_x509_crt_init(&state.own_cert);
  mbedtls_pk_free(&state.own_key);
  mbedtls_pk_init(&state.own_key);
  state.alpn.clear();
#if defined(ESP_PLATFORM)
  state.bundle_verify = nullptr;
  state.bundle_context = nullptr;
#endif
}

Result<void, TransportError> seed(TlsTransportState& state) {
  const int r = seed_random();
  if (r != 0) return config_error(state, "the random generator could not be seeded", {}, r);
  return {};
}

Result<void, TransportError> load_system_store(TlsTransportState& state) {
#if defined(ESP_PLATFORM)
  if (esp_crt_bundle_attach(&state.config) != ESP_OK) {
    return config_error(state, "the ESP-IDF certificate bundle could not be attached (enable "
                               "CONFIG_MBEDTLS_CERTIFICATE_BUNDLE, or give a CA)");
  }
  // The bundle verifies through its own callback; keep it and run ours after it (on_verify).
  state.bundle_verify = state.config.MQTT_SETUP_MBEDTLS_FIELD(f_vrfy);
  state.bundle_context = state.config.MQTT_SETUP_MBEDTLS_FIELD(p_vrfy);
  return {};
#else
  for (const char* path : kSystemBundles) {
    const int r = mbedtls_x509_crt_parse_file(&state.trust, path);
    // A positive count means some entries did not parse (an algorithm mbedTLS lacks): the
    // rest are still good anchors.
    if (r >= 0 && has_certificate(state.trust)) {
      mbedtls_ssl_conf_ca_chain(&state.config, &state.trust, nullptr);
      return {};
    }
    mbedtls_x509_crt_free(&state.trust);
    mbedtls_x509_crt_init(&state.trust);
  }
  config_error(state, "no CA given and no system CA store found");
  state.detail << " (" << kSystemBundles[0] << ": Debian's package ca-certificates) — give a "
               << "CA file (ca_file, --cafile)";
  return TransportError::TlsConfig;
#endif
}

Result<void, TransportError> load_trust(TlsTransportState& state) {
  const TlsOptions& o = state.options;
  if (!o.ca_pem.empty()) {
    // PEM must be handed over with its terminating NUL counted.
    const int r = mbedtls_x509_crt_parse(
        &state.trust, reinterpret_cast<const unsigned char*>(o.ca_pem.c_str()), o.ca_pem.size() + 1);
    if (r < 0) return config_error(state, "the CA certificate text (ca_pem) is invalid", {}, r);
  }
  if (!o.ca_file.empty()) {
    const int r = mbedtls_x509_crt_parse_file(&state.trust, o.ca_file.c_str());
    if (r < 0) return config_error(state, "cannot load CA file", o.ca_file, r);
  }
  if (!o.ca_path.empty()) {
    const int r = mbedtls_x509_crt_parse_path(&state.trust, o.ca_path.c_str());
    if (r < 0) return config_error(state, "cannot load CA directory", o.ca_path, r);
  }
  if (!o.ca_pem.empty() || !o.ca_file.empty() || !o.ca_path.empty()) {
    if (!has_certificate(state.trust)) {
      return config_error(state, "no CA certificate could be read from the CA given",
                          !o.ca_file.empty() ? std::string_view{o.ca_file} : std::string_view{o.ca_path});
    }
    mbedtls_ssl_conf_ca_chain(&state.config, &state.trust, nullptr);
    return {};
  }
  // Insecure without a CA: nothing will be enforced, so parsing ~150 system roots (about
  // 200 KB of heap on Linux) would buy nothing.
  if (o.insecure) return {};
  return load_system_store(state);
}

Result<void, TransportError> load_identity(TlsTransportState& state) {
  const TlsOptions& o = state.options;
  if (o.cert_file.empty() && o.key_file.empty()) return {};
  if (o.cert_file.empty() || o.key_file.empty()) {
    return config_error(state, "a client certificate needs its private key and the key its "
                               "certificate: give both cert_file and key_file (--cert, --key)");
  }
  int r = mbedtls_x509_crt_parse_file(&state.own_cert, o.cert_file.c_str());
  if (r < 0 || !has_certificate(state.own_cert)) {
    return config_error(state, "cannot load client certificate file", o.cert_file, r);
  }
#if MBEDTLS_VERSION_MAJOR >= 3
  r = mbedtls_pk_parse_keyfile(&state.own_key, o.key_file.c_str(), nullptr,
                               random_bytes, nullptr);
#else
  r = mbedtls_pk_parse_keyfile(&state.own_key, o.key_file.c_str(), nullptr);
#endif
  // The error names the file and mbedTLS's reason (e.g. "password required" for an encrypted
  // key); never the key itself.
  if (r != 0) return config_error(state, "cannot load client key file", o.key_file, r);
#if MBEDTLS_VERSION_MAJOR >= 3
  r = mbedtls_pk_check_pair(&state.own_cert.pk, &state.own_key, random_bytes, nullptr);
#else
  r = mbedtls_pk_check_pair(&state.own_cert.pk, &state.own_key);
#endif
  if (r != 0) {
    return config_error(state, "the client key does not belong to the client certificate",
                        o.key_file, r);
  }
  r = mbedtls_ssl_conf_own_cert(&state.config, &state.own_cert, &state.own_key);
  if (r != 0) return config_error(state, "the client certificate cannot be used", o.cert_file, r);
  return {};
}

Result<void, TransportError> configure_alpn(TlsTransportState& state) {
  if (state.options.alpn.empty()) return {};
#if defined(MBEDTLS_SSL_ALPN)
  state.alpn.clear();
  for (const std::string& protocol : state.options.alpn) state.alpn.push_back(protocol.c_str());
  state.alpn.push_back(nullptr);
  const int r = mbedtls_ssl_conf_alpn_protocols(&state.config, state.alpn.data());
  if (r != 0) return config_error(state, "invalid ALPN protocol list", {}, r);
  return {};
#else
  return config_error(state, "ALPN was asked for but mbedTLS is built without MBEDTLS_SSL_ALPN");
#endif
}

// A build with small input records (ESP32: CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN) cannot take the
// 16 KB records a broker may send; asking for the largest fragment length that fits
// (RFC 6066 §4) keeps it working with brokers that honour the extension.
void configure_fragment_length(TlsTransportState& state) {
#if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
  // menuconfig's CONFIG_MQTT_SETUP_TLS_MAX_FRAGMENT_LEN, when set, asks for that size instead.
  constexpr unsigned in_len = kconfig::kTlsMaxFragmentLen != 0
                                  ? static_cast<unsigned>(kconfig::kTlsMaxFragmentLen)
                                  : MBEDTLS_SSL_IN_CONTENT_LEN;
  constexpr unsigned char code = in_len >= 16384 ? MBEDTLS_SSL_MAX_FRAG_LEN_NONE
                                 : in_len >= 4096 ? MBEDTLS_SSL_MAX_FRAG_LEN_4096
                                 : in_len >= 2048 ? MBEDTLS_SSL_MAX_FRAG_LEN_2048
                                 : in_len >= 1024 ? MBEDTLS_SSL_MAX_FRAG_LEN_1024
                                                  : MBEDTLS_SSL_MAX_FRAG_LEN_512;
  if (code != MBEDTLS_SSL_MAX_FRAG_LEN_NONE) (void)mbedtls_ssl_conf_max_frag_len(&state.config, code);
#else
  (void)state;
#endif
}

Result<void, TransportError> build(TlsTransportState& state) {
  if (auto r = seed(state); !r) return r;
  int r = mbedtls_ssl_config_defaults(&state.config, MBEDTLS_SSL_IS_CLIENT,
                                      MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
  if (r != 0) return config_error(state, "mbedTLS refused its default client configuration", {}, r);
  mbedtls_ssl_conf_rng(&state.config, random_bytes, nullptr);
#if MBEDTLS_VERSION_NUMBER >= 0x03020000
  mbedtls_ssl_conf_min_tls_version(&state.config, MBEDTLS_SSL_VERSION_TLS1_2);
#else
  mbedtls_ssl_conf_min_version(&state.config, MBEDTLS_SSL_MAJOR_VERSION_3,
                               MBEDTLS_SSL_MINOR_VERSION_3);  // 3.3 is TLS 1.2
#endif
  if (auto loaded = load_trust(state); !loaded) return loaded;
  // Insecure is OPTIONAL rather than NONE: the chain is still checked (and our callback still
  // sees it, which is how resumption is detected) but a failure no longer stops the handshake.
  mbedtls_ssl_conf_authmode(&state.config, state.options.insecure ? MBEDTLS_SSL_VERIFY_OPTIONAL
                                                                  : MBEDTLS_SSL_VERIFY_REQUIRED);
  mbedtls_ssl_conf_verify(&state.config, on_verify, &state);
  if (auto loaded = load_identity(state); !loaded) return loaded;
  if (auto alpn = configure_alpn(state); !alpn) return alpn;
  configure_fragment_length(state);
#if defined(MBEDTLS_SSL_SESSION_TICKETS)
  // RFC 5077 tickets: resumption without the broker keeping per-client state. Brokers without
  // tickets still resume by session id.
  mbedtls_ssl_conf_session_tickets(&state.config, MBEDTLS_SSL_SESSION_TICKETS_ENABLED);
#endif
  return {};
}

}  // namespace

Result<void, TransportError> configure(TlsTransportState& state) {
  if (state.configured) return {};
  auto built = build(state);
  if (!built) {
    unconfigure(state);
    return built;
  }
  state.configured = true;
  return {};
}

}  // namespace mqtt_setup::tls
