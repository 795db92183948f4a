// SCRAM-SHA-256, the client's side of RFC 5802 section 3 with RFC 7677's hash. Names follow
// the RFC: SaltedPassword, ClientKey, StoredKey, AuthMessage, ClientProof, ServerSignature.
#include "mqtt_setup/scram.hpp"

#include <mbedtls/base64.h>
#include <mbedtls/platform_util.h>

#include <cstring>
#include <optional>

#include "transport/hmac_sha256.hpp"
#include "transport/tls_random.hpp"

namespace mqtt_setup {
namespace {

using scram::Digest;
using scram::HmacSha256;

constexpr std::string_view kGs2Header = "n,,";        // no channel binding, no authzid
constexpr std::string_view kChannelBinding = "c=biws";  // base64("n,,"), RFC 5802 5.1

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

/// Appends to a fixed buffer; ok() false once anything did not fit.
class Text {
 public:
  Text(char* data, std::size_t capacity) : data_(data), capacity_(capacity) {}
  Text& operator<<(std::string_view s) {
    if (s.size() > capacity_ - size_) {
      ok_ = false;
    } else {
      std::memcpy(data_ + size_, s.data(), s.size());
      size_ += s.size();
    }
    return *this;
  }
  /// base64 of `raw`, RFC 4648 with padding.
  Text& base64(std::span<const std::uint8_t> raw) {
    std::size_t written = 0;
    // mbedtls_base64_encode() also writes a terminating NUL: room for it is needed.
    if (mbedtls_base64_encode(reinterpret_cast<unsigned char*>(data_ + size_), capacity_ - size_,
                              &written, raw.data(), raw.size()) != 0) {
      ok_ = false;
    } else {
      size_ += written;
    }
    return *this;
  }
  bool ok() const { return ok_; }
  std::size_t size() const { return size_; }
  std::string_view view() const { return {data_, size_}; }

 private:
  char* data_;
  std::size_t capacity_;
  std::size_t size_ = 0;
  bool ok_ = true;
};

/// The value of attribute `name` ("r", "s", ...) in a comma-separated message, if present.
std::optional<std::string_view> attribute(std::string_view message, char name) {
  while (!message.empty()) {
    const std::size_t comma = message.find(',');
    const std::string_view item = message.substr(0, comma);
    if (item.size() >= 2 && item[0] == name && item[1] == '=') return item.substr(2);
    if (comma == std::string_view::npos) break;
    message.remove_prefix(comma + 1);
  }
  return std::nullopt;
}

/// RFC 5802 5.1 "r=": printable ASCII but ','.
bool is_valid_nonce(std::string_view nonce) {
  for (const char c : nonce) {
    if (c < 0x21 || c > 0x7E || c == ',') return false;
  }
  return !nonce.empty();
}

/// Hi(str, salt, i), RFC 5802 section 2.2: PBKDF2 with HMAC-SHA-256 and one block.
bool hi(std::string_view password, std::span<const std::uint8_t> salt, std::uint32_t iterations,
        Digest& out) {
  const HmacSha256 prf{bytes_of(password)};
  static constexpr std::uint8_t kBlockOne[] = {0, 0, 0, 1};  // INT(1)
  Digest u{};
  if (!prf.mac({salt, kBlockOne}, u)) return false;
  out = u;
  for (std::uint32_t i = 1; i < iterations; ++i) {
    if (!prf.mac({u}, u)) return false;
    for (std::size_t k = 0; k < out.size(); ++k) out[k] ^= u[k];
  }
  mbedtls_platform_zeroize(u.data(), u.size());
  return true;
}

bool equal_in_constant_time(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  if (a.size() != b.size()) return false;
  std::uint8_t diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<std::uint8_t>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

ScramSha256::ScramSha256(std::string_view username, std::string_view password, Random random)
    : username_(username), password_(password), random_(random) {}

ScramSha256::~ScramSha256() {
  mbedtls_platform_zeroize(client_final_.data(), client_final_.size());
  mbedtls_platform_zeroize(server_signature_.data(), server_signature_.size());
}

Result<codec::Bytes, AuthError> ScramSha256::start() {
  step_ = Step::Idle;
  if (username_.size() > kMaxUsername || random_.nonce_bytes == 0 ||
      random_.nonce_bytes > kMaxNonceBytes) {
    return AuthError::TooLarge;
  }
  std::array<std::uint8_t, kMaxNonceBytes> raw{};
  int drawn = 0;
  if (random_.fill != nullptr) {
    drawn = random_.fill(random_.context, raw.data(), random_.nonce_bytes);
  } else {
    drawn = tls::seed_random();
    if (drawn == 0) drawn = tls::random_bytes(nullptr, raw.data(), random_.nonce_bytes);
  }
  if (drawn != 0) return AuthError::RandomFailed;

  Text t{client_first_.data(), client_first_.size()};
  t << kGs2Header << "n=";
  for (const char c : username_) {  // RFC 5802 5.1: ',' and '=' are escaped
    t << (c == ',' ? std::string_view{"=2C"} : c == '=' ? std::string_view{"=3D"}
                                                         : std::string_view{&c, 1});
  }
  t << ",r=";
  t.base64({raw.data(), random_.nonce_bytes});  // printable, no ',': a valid nonce
  if (!t.ok()) return AuthError::TooLarge;
  client_first_size_ = t.size();
  step_ = Step::SentFirst;
  return codec::as_bytes(t.view());
}

Result<codec::Bytes, AuthError> ScramSha256::challenge(codec::Bytes server_data) {
  if (step_ != Step::SentFirst) return AuthError::OutOfOrder;
  step_ = Step::Idle;  // whatever happens now, this exchange is over unless it succeeds
  const std::string_view server_first = codec::as_text(server_data);
  const std::string_view client_first_bare =
      std::string_view{client_first_.data(), client_first_size_}.substr(kGs2Header.size());
  const std::string_view client_nonce = *attribute(client_first_bare, 'r');

  // server-first-message = [reserved-mext ","] nonce "," salt "," iteration-count ["," ext]
  if (server_first.substr(0, 2) == "m=") return AuthError::MalformedChallenge;  // RFC 5802 5.1
  const auto nonce = attribute(server_first, 'r');
  const auto salt64 = attribute(server_first, 's');
  const auto count = attribute(server_first, 'i');
  if (!nonce || !salt64 || !count || server_first.substr(0, 2) != "r=") {
    return AuthError::MalformedChallenge;
  }
  // The combined nonce starts with ours and adds the server's part.
  if (nonce->size() <= client_nonce.size() || nonce->substr(0, client_nonce.size()) != client_nonce ||
      !is_valid_nonce(*nonce)) {
    return AuthError::MalformedChallenge;
  }
  std::array<std::uint8_t, 128> salt{};
  std::size_t salt_size = 0;
  if (salt64->empty() ||
      mbedtls_base64_decode(salt.data(), salt.size(), &salt_size,
                            reinterpret_cast<const unsigned char*>(salt64->data()),
                            salt64->size()) != 0 ||
      salt_size == 0) {
    return AuthError::MalformedChallenge;
  }
  std::uint32_t iterations = 0;
  if (count->empty() || count->size() > 7) return AuthError::MalformedChallenge;
  for (const char c : *count) {
    if (c < '0' || c > '9') return AuthError::MalformedChallenge;
    iterations = iterations * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (iterations == 0 || iterations > kMaxIterations) return AuthError::MalformedChallenge;

  // client-final-message-without-proof, then AuthMessage = client-first-bare "," server-first
  // "," client-final-without-proof (RFC 5802 section 3).
  Text t{client_final_.data(), client_final_.size()};
  t << kChannelBinding << ",r=" << *nonce;
  if (!t.ok()) return AuthError::TooLarge;
  const std::string_view without_proof = t.view();
  static constexpr std::string_view kComma = ",";

  Digest salted{}, client_key{}, stored_key{}, client_signature{}, server_key{};
  bool ok = hi(password_, {salt.data(), salt_size}, iterations, salted);
  {
    const HmacSha256 keyed{salted};
    ok = ok && keyed.mac({bytes_of("Client Key")}, client_key) &&
         keyed.mac({bytes_of("Server Key")}, server_key);
  }
  ok = ok && scram::sha256(client_key, stored_key);
  const auto auth_message = {bytes_of(client_first_bare), bytes_of(kComma), server_data,
                             bytes_of(kComma), bytes_of(without_proof)};
  ok = ok && HmacSha256{stored_key}.mac(auth_message, client_signature) &&
       HmacSha256{server_key}.mac(auth_message, server_signature_);
  Digest proof{};
  for (std::size_t i = 0; i < proof.size(); ++i) {
    proof[i] = static_cast<std::uint8_t>(client_key[i] ^ client_signature[i]);
  }
  for (Digest* secret : {&salted, &client_key, &stored_key, &client_signature, &server_key}) {
    mbedtls_platform_zeroize(secret->data(), secret->size());
  }
  if (!ok) return AuthError::CryptoFailed;
  t << ",p=";
  t.base64(proof);
  mbedtls_platform_zeroize(proof.data(), proof.size());
  if (!t.ok()) return AuthError::TooLarge;
  client_final_size_ = t.size();
  step_ = Step::SentFinal;
  return codec::as_bytes(t.view());
}

Result<void, AuthError> ScramSha256::finish(codec::Bytes server_data) {
  if (step_ != Step::SentFinal) return AuthError::OutOfOrder;
  step_ = Step::Idle;
  // server-final-message = (server-error / verifier) ["," extensions]
  const std::string_view server_final = codec::as_text(server_data);
  if (server_final.substr(0, 2) == "e=") return AuthError::ServerError;
  const auto verifier = attribute(server_final, 'v');
  if (!verifier || server_final.substr(0, 2) != "v=") return AuthError::ServerNotVerified;
  // Compared as base64 text: decoding would accept other spellings of the same bytes (set
  // padding bits), and the RFC's value has one spelling.
  std::array<char, 48> expected{};
  Text t{expected.data(), expected.size()};
  t.base64(server_signature_);
  if (!t.ok() || !equal_in_constant_time(bytes_of(t.view()), bytes_of(*verifier))) {
    return AuthError::ServerNotVerified;
  }
  return {};
}

}  // namespace mqtt_setup
