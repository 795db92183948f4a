// SCRAM-SHA-256 (include/mqtt_setup/scram.hpp) against RFC 7677 section 3's exchange, byte for
// byte, and what it refuses: a server signature that does not match, a server error, a nonce
// that is not ours, malformed server-first messages, steps out of order.
#if defined(MQTT_SETUP_HAS_SCRAM)
#include "mqtt_setup/scram.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace mqtt_setup {
namespace {

// RFC 7677 section 3: user "user", password "pencil", client nonce "rOprNGfwEbeRWgbNEkqO",
// which is the base64 of these 15 bytes (the random source gives them, base64 makes the nonce).
constexpr std::array<std::uint8_t, 15> kRfcNonceBytes = {0xAC, 0xEA, 0x6B, 0x34, 0x67,
                                                         0xF0, 0x11, 0xB7, 0x91, 0x5A,
                                                         0x06, 0xCD, 0x12, 0x4A, 0x8E};
constexpr std::string_view kClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view kServerFirst =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr std::string_view kClientFinal =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr std::string_view kServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

int rfc_nonce(void* /*context*/, unsigned char* out, std::size_t size) {
  if (size != kRfcNonceBytes.size()) return -1;
  for (std::size_t i = 0; i < size; ++i) out[i] = kRfcNonceBytes[i];
  return 0;
}

ScramSha256::Random rfc_random() { return {&rfc_nonce, nullptr, kRfcNonceBytes.size()}; }

std::string text(codec::Bytes b) { return std::string(codec::as_text(b)); }

TEST(Scram, Rfc7677ExchangeByteForByte) {
  ScramSha256 scram{"user", "pencil", rfc_random()};
  EXPECT_EQ(scram.method(), "SCRAM-SHA-256");
  auto first = scram.start();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(text(*first), kClientFirst);
  auto final_message = scram.challenge(codec::as_bytes(kServerFirst));
  ASSERT_TRUE(final_message.ok()) << describe(final_message.error());
  EXPECT_EQ(text(*final_message), kClientFinal);
  EXPECT_TRUE(scram.finish(codec::as_bytes(kServerFinal)).ok());
}

TEST(Scram, AServerSignatureThatDoesNotMatchFails) {
  for (std::string_view forged : {"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G5=",  // last bit
                                  "v=", "v=AAAA", "", "x=1"}) {
    ScramSha256 scram{"user", "pencil", rfc_random()};
    ASSERT_TRUE(scram.start().ok());
    ASSERT_TRUE(scram.challenge(codec::as_bytes(kServerFirst)).ok());
    auto done = scram.finish(codec::as_bytes(forged));
    ASSERT_FALSE(done.ok()) << forged;
    EXPECT_EQ(done.error(), AuthError::ServerNotVerified) << forged;
  }
}

TEST(Scram, AWrongPasswordGivesAnotherProof) {
  ScramSha256 scram{"user", "pencil2", rfc_random()};
  ASSERT_TRUE(scram.start().ok());
  auto final_message = scram.challenge(codec::as_bytes(kServerFirst));
  ASSERT_TRUE(final_message.ok());
  EXPECT_NE(text(*final_message), kClientFinal);
  // And the real server's signature does not verify against it.
  EXPECT_EQ(scram.finish(codec::as_bytes(kServerFinal)).error(), AuthError::ServerNotVerified);
}

TEST(Scram, AServerErrorIsReported) {
  ScramSha256 scram{"user", "pencil", rfc_random()};
  ASSERT_TRUE(scram.start().ok());
  ASSERT_TRUE(scram.challenge(codec::as_bytes(kServerFirst)).ok());
  EXPECT_EQ(scram.finish(codec::as_bytes("e=invalid-proof")).error(), AuthError::ServerError);
}

TEST(Scram, MalformedServerFirstMessagesAreRefused) {
  const std::string_view cases[] = {
      "",
      "r=someoneElsesNonce123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",     // not our nonce
      "r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",     // nothing added
      "m=ext,r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",  // mandatory ext.
      "r=rOprNGfwEbeRWgbNEkqOx,i=4096",                                // no salt
      "r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==",            // no iterations
      "r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0",
      "r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=40x6",
      "r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=9999999",  // above kMaxIterations
      "r=rOprNGfwEbeRWgbNEkqOx,s=not*base64,i=4096",
      "s=W22ZaJ0SNY7soEsUEjb6gQ==,r=rOprNGfwEbeRWgbNEkqOx,i=4096",     // order of RFC 5802 7
  };
  for (std::string_view server_first : cases) {
    ScramSha256 scram{"user", "pencil", rfc_random()};
    ASSERT_TRUE(scram.start().ok());
    auto r = scram.challenge(codec::as_bytes(server_first));
    ASSERT_FALSE(r.ok()) << server_first;
    EXPECT_EQ(r.error(), AuthError::MalformedChallenge) << server_first;
  }
}

TEST(Scram, StepsOutOfOrderAreRefused) {
  ScramSha256 scram{"user", "pencil", rfc_random()};
  EXPECT_EQ(scram.challenge(codec::as_bytes(kServerFirst)).error(), AuthError::OutOfOrder);
  EXPECT_EQ(scram.finish(codec::as_bytes(kServerFinal)).error(), AuthError::OutOfOrder);
  ASSERT_TRUE(scram.start().ok());
  EXPECT_EQ(scram.finish(codec::as_bytes(kServerFinal)).error(), AuthError::OutOfOrder);
  // start() begins again: a re-authentication after a finished exchange.
  ASSERT_TRUE(scram.challenge(codec::as_bytes(kServerFirst)).ok());
  ASSERT_TRUE(scram.finish(codec::as_bytes(kServerFinal)).ok());
  EXPECT_EQ(scram.finish(codec::as_bytes(kServerFinal)).error(), AuthError::OutOfOrder);
  auto again = scram.start();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(text(*again), kClientFirst);
}

TEST(Scram, UserNameCommaAndEqualsAreEscaped) {  // RFC 5802 5.1
  ScramSha256 scram{"a,b=c", "pencil", rfc_random()};
  auto first = scram.start();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(text(*first), "n,,n=a=2Cb=3Dc,r=rOprNGfwEbeRWgbNEkqO");
}

TEST(Scram, TheDefaultRandomSourceGivesFreshNonces) {
  ScramSha256 scram{"user", "pencil"};
  auto a = scram.start();
  ASSERT_TRUE(a.ok());
  const std::string first = text(*a);
  auto b = scram.start();
  ASSERT_TRUE(b.ok());
  EXPECT_NE(first, text(*b));
  // 18 random bytes: 24 base64 characters after "n,,n=user,r=".
  EXPECT_EQ(first.size(), std::string_view{"n,,n=user,r="}.size() + 24);
}

TEST(Scram, ARandomSourceThatFailsSendsNothing) {
  ScramSha256 scram{"user", "pencil",
                    {[](void*, unsigned char*, std::size_t) { return -1; }, nullptr, 18}};
  auto r = scram.start();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), AuthError::RandomFailed);
  const std::string long_name(ScramSha256::kMaxUsername + 1, 'u');
  ScramSha256 too_long{long_name, "pencil", rfc_random()};
  EXPECT_EQ(too_long.start().error(), AuthError::TooLarge);
}

}  // namespace
}  // namespace mqtt_setup
#endif
