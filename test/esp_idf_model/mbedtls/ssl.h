// Model: the TLS client API we use. Mbed TLS 3.6 API reference, ssl.h
// (https://mbed-tls.readthedocs.io/projects/api/en/v3.6.x/api/file/ssl_8h/). Mbed TLS 3 names:
// MBEDTLS_ERR_SSL_BAD_CERTIFICATE (2.x: ..._BAD_HS_CERTIFICATE), mbedtls_ssl_conf_min_tls_version
// (2.x: mbedtls_ssl_conf_min_version), members private behind MBEDTLS_PRIVATE().
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "mbedtls/build_info.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/private_access.h"
#include "mbedtls/x509_crt.h"

#define MBEDTLS_ERR_SSL_WANT_WRITE -0x6880
#define MBEDTLS_ERR_SSL_WANT_READ -0x6900
#define MBEDTLS_ERR_SSL_CONN_EOF -0x7280
#define MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE -0x7780
#define MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY -0x7880
#define MBEDTLS_ERR_SSL_BAD_CERTIFICATE -0x7A00
#define MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET -0x7B00

#define MBEDTLS_SSL_IS_CLIENT 0
#define MBEDTLS_SSL_TRANSPORT_STREAM 0
#define MBEDTLS_SSL_PRESET_DEFAULT 0
#define MBEDTLS_SSL_VERIFY_OPTIONAL 1
#define MBEDTLS_SSL_VERIFY_REQUIRED 2
#define MBEDTLS_SSL_SESSION_TICKETS_ENABLED 1

// RFC 6066 maximum fragment length codes.
#define MBEDTLS_SSL_MAX_FRAG_LEN_NONE 0
#define MBEDTLS_SSL_MAX_FRAG_LEN_512 1
#define MBEDTLS_SSL_MAX_FRAG_LEN_1024 2
#define MBEDTLS_SSL_MAX_FRAG_LEN_2048 3
#define MBEDTLS_SSL_MAX_FRAG_LEN_4096 4

#ifdef __cplusplus
extern "C" {
#endif

// Handshake states, in the order a TLS 1.2 client goes through them (the first of them).
typedef enum {
  MBEDTLS_SSL_HELLO_REQUEST,
  MBEDTLS_SSL_CLIENT_HELLO,
  MBEDTLS_SSL_SERVER_HELLO,
  MBEDTLS_SSL_SERVER_CERTIFICATE,
  MBEDTLS_SSL_SERVER_KEY_EXCHANGE,
  MBEDTLS_SSL_CERTIFICATE_REQUEST,
  MBEDTLS_SSL_SERVER_HELLO_DONE,
  MBEDTLS_SSL_CLIENT_CERTIFICATE,
  MBEDTLS_SSL_CLIENT_KEY_EXCHANGE,
  MBEDTLS_SSL_CERTIFICATE_VERIFY,
  MBEDTLS_SSL_CLIENT_CHANGE_CIPHER_SPEC,
  MBEDTLS_SSL_CLIENT_FINISHED,
  MBEDTLS_SSL_SERVER_CHANGE_CIPHER_SPEC,
  MBEDTLS_SSL_SERVER_FINISHED,
  MBEDTLS_SSL_FLUSH_BUFFERS,
  MBEDTLS_SSL_HANDSHAKE_WRAPUP,
} mbedtls_ssl_states;

typedef enum {
  MBEDTLS_SSL_VERSION_UNKNOWN,
  MBEDTLS_SSL_VERSION_TLS1_2 = 0x0303,
  MBEDTLS_SSL_VERSION_TLS1_3 = 0x0304,
} mbedtls_ssl_protocol_version;

// The transport callbacks (mbedtls_ssl_set_bio).
typedef int mbedtls_ssl_send_t(void* ctx, const unsigned char* buf, size_t len);
typedef int mbedtls_ssl_recv_t(void* ctx, unsigned char* buf, size_t len);
typedef int mbedtls_ssl_recv_timeout_t(void* ctx, unsigned char* buf, size_t len,
                                       uint32_t timeout);

typedef struct mbedtls_ssl_session {
  mbedtls_ssl_protocol_version MBEDTLS_PRIVATE(tls_version);
  unsigned char MBEDTLS_PRIVATE(id)[32];
  size_t MBEDTLS_PRIVATE(id_len);
} mbedtls_ssl_session;

typedef struct mbedtls_ssl_config {
  mbedtls_ssl_protocol_version MBEDTLS_PRIVATE(max_tls_version);
  mbedtls_ssl_protocol_version MBEDTLS_PRIVATE(min_tls_version);
  unsigned char MBEDTLS_PRIVATE(endpoint);
  unsigned char MBEDTLS_PRIVATE(authmode);
  mbedtls_f_rng_t* MBEDTLS_PRIVATE(f_rng);
  void* MBEDTLS_PRIVATE(p_rng);
  // The certificate verification callback (mbedtls_ssl_conf_verify) and its context.
  int (*MBEDTLS_PRIVATE(f_vrfy))(void*, mbedtls_x509_crt*, int, uint32_t*);
  void* MBEDTLS_PRIVATE(p_vrfy);
} mbedtls_ssl_config;

typedef struct mbedtls_ssl_context {
  const mbedtls_ssl_config* MBEDTLS_PRIVATE(conf);
  int MBEDTLS_PRIVATE(state);  // an mbedtls_ssl_states value
  unsigned char* MBEDTLS_PRIVATE(in_msg);  // the record content being read
  size_t MBEDTLS_PRIVATE(in_msglen);
} mbedtls_ssl_context;

// Configuration
void mbedtls_ssl_config_init(mbedtls_ssl_config* conf);
int mbedtls_ssl_config_defaults(mbedtls_ssl_config* conf, int endpoint, int transport,
                                int preset);
void mbedtls_ssl_config_free(mbedtls_ssl_config* conf);
void mbedtls_ssl_conf_rng(mbedtls_ssl_config* conf, mbedtls_f_rng_t* f_rng, void* p_rng);
void mbedtls_ssl_conf_authmode(mbedtls_ssl_config* conf, int authmode);
void mbedtls_ssl_conf_verify(mbedtls_ssl_config* conf,
                             int (*f_vrfy)(void*, mbedtls_x509_crt*, int, uint32_t*),
                             void* p_vrfy);
void mbedtls_ssl_conf_ca_chain(mbedtls_ssl_config* conf, mbedtls_x509_crt* ca_chain,
                               mbedtls_x509_crl* ca_crl);
int mbedtls_ssl_conf_own_cert(mbedtls_ssl_config* conf, mbedtls_x509_crt* own_cert,
                              mbedtls_pk_context* pk_key);
int mbedtls_ssl_conf_alpn_protocols(mbedtls_ssl_config* conf, const char** protos);
int mbedtls_ssl_conf_max_frag_len(mbedtls_ssl_config* conf, unsigned char mfl_code);
void mbedtls_ssl_conf_session_tickets(mbedtls_ssl_config* conf, int use_tickets);
// An inline setter in Mbed TLS 3.6.
static inline void mbedtls_ssl_conf_min_tls_version(mbedtls_ssl_config* conf,
                                                    mbedtls_ssl_protocol_version tls_version) {
  conf->MBEDTLS_PRIVATE(min_tls_version) = tls_version;
}

// Connection
void mbedtls_ssl_init(mbedtls_ssl_context* ssl);
int mbedtls_ssl_setup(mbedtls_ssl_context* ssl, const mbedtls_ssl_config* conf);
int mbedtls_ssl_session_reset(mbedtls_ssl_context* ssl);
void mbedtls_ssl_free(mbedtls_ssl_context* ssl);
int mbedtls_ssl_set_hostname(mbedtls_ssl_context* ssl, const char* hostname);
void mbedtls_ssl_set_bio(mbedtls_ssl_context* ssl, void* p_bio, mbedtls_ssl_send_t* f_send,
                         mbedtls_ssl_recv_t* f_recv, mbedtls_ssl_recv_timeout_t* f_recv_timeout);
int mbedtls_ssl_handshake(mbedtls_ssl_context* ssl);
int mbedtls_ssl_read(mbedtls_ssl_context* ssl, unsigned char* buf, size_t len);
int mbedtls_ssl_write(mbedtls_ssl_context* ssl, const unsigned char* buf, size_t len);
int mbedtls_ssl_close_notify(mbedtls_ssl_context* ssl);
size_t mbedtls_ssl_get_bytes_avail(const mbedtls_ssl_context* ssl);
int mbedtls_ssl_check_pending(const mbedtls_ssl_context* ssl);
const char* mbedtls_ssl_get_alpn_protocol(const mbedtls_ssl_context* ssl);

// Session resumption
void mbedtls_ssl_session_init(mbedtls_ssl_session* session);
void mbedtls_ssl_session_free(mbedtls_ssl_session* session);
int mbedtls_ssl_get_session(const mbedtls_ssl_context* ssl, mbedtls_ssl_session* session);
int mbedtls_ssl_set_session(mbedtls_ssl_context* ssl, const mbedtls_ssl_session* session);

#ifdef __cplusplus
}
#endif
