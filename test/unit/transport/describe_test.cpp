// Every transport error has advice, and only network trouble is worth retrying.
#include <gtest/gtest.h>

#include "mqtt_setup/transport.hpp"

namespace mqtt_setup {
namespace {

constexpr TransportError kAll[] = {
    TransportError::ResolveFailed,
    TransportError::ConnectRefused,
    TransportError::ConnectTimeout,
    TransportError::Unreachable,
    TransportError::Closed,
    TransportError::Reset,
    TransportError::Timeout,
    TransportError::NotConnected,
    TransportError::Io,
    TransportError::TlsUntrusted,
    TransportError::TlsHostnameMismatch,
    TransportError::TlsExpired,
    TransportError::TlsHandshake,
    TransportError::TlsConfig,
};

TEST(DescribeTransportError, EverySentenceSaysWhatAndWhatToDo) {
  for (const TransportError error : kAll) {
    const std::string_view text = describe(error);
    EXPECT_NE(text.find(" — "), std::string_view::npos) << text;
    EXPECT_EQ(text.find('\n'), std::string_view::npos) << text;
    EXPECT_NE(text, describe(static_cast<TransportError>(0)));
  }
}

TEST(DescribeTransportError, RefusedMentionsTheBroker) {
  EXPECT_EQ(describe(TransportError::ConnectRefused),
            "connection refused — is the broker running and listening on that port?");
}

TEST(IsTransient, NetworkTroubleIsWorthRetrying) {
  for (const TransportError error :
       {TransportError::ResolveFailed, TransportError::ConnectRefused,
        TransportError::ConnectTimeout, TransportError::Unreachable, TransportError::Closed,
        TransportError::Reset, TransportError::Timeout, TransportError::Io}) {
    EXPECT_TRUE(is_transient(error)) << describe(error);
  }
}

TEST(IsTransient, TlsFailuresAreNot) {
  for (const TransportError error :
       {TransportError::TlsUntrusted, TransportError::TlsHostnameMismatch,
        TransportError::TlsExpired, TransportError::TlsHandshake, TransportError::TlsConfig}) {
    EXPECT_FALSE(is_transient(error)) << describe(error);
  }
}

}  // namespace
}  // namespace mqtt_setup
