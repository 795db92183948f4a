// expect: too few arguments to function
// Mbed TLS 3's mbedtls_pk_parse_keyfile takes a random generator (f_rng, p_rng) as well.
#include <mbedtls/pk.h>
int load(mbedtls_pk_context* key) { return mbedtls_pk_parse_keyfile(key, "key.pem", nullptr); }
