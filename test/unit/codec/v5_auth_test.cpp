// MQTT 5.0 enhanced authentication in the codec: what it refuses in both directions.
// 3.1.2.11.10 (CONNECT), 3.2.2.3.18 (CONNACK), 3.15.2.2.3 (AUTH): "It is a Protocol Error to
// include Authentication Data if there is no Authentication Method"; 3.15.2.2.2: "It is a
// Protocol Error to omit the Authentication Method" from AUTH. Vectors computed by hand.
#include "v5_codec_test.hpp"

namespace codec_test {
namespace {

const Buf kMethod = bytes({0x15, 0x00, 0x01, 'M'});       // authentication method "M"
const Buf kData = bytes({0x16, 0x00, 0x02, 0x01, 0x02});  // authentication data 01 02
const Buf kReason = bytes({0x1F, 0x00, 0x01, 'r'});       // reason string "r"

TEST(V5AuthRefusals, ConnectWithDataWithoutMethodIsNotEncoded) {
  Connect c;
  c.version = kV5;
  c.client_id = "c";
  c.properties = as_properties(kData);
  expect_encode_error_v5(c, EncodeError::AuthenticationDataWithoutMethod);
  const Buf both = kMethod + kData;  // as_properties() keeps a view: the bytes must outlive it
  c.properties = as_properties(both);
  EXPECT_FALSE(encode_v5(c).empty());
}

TEST(V5AuthRefusals, ConnectWithDataWithoutMethodIsNotDecoded) {
  // CONNECT level 5, clean start, keep alive 0, properties = data only, client id "c".
  const Buf wire = bytes({0x10, 0x13, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x00}) +
                   props(kData) + field("c");
  EXPECT_EQ(decode_error_v5(wire), DecodeError::AuthenticationDataWithoutMethod);
  EXPECT_EQ(reason_code_for(DecodeError::AuthenticationDataWithoutMethod), reason::kProtocolError);
}

TEST(V5AuthRefusals, ConnackWithDataWithoutMethod) {
  expect_encode_error_v5(Connack{false, ConnectReturnCode::Accepted, as_properties(kData)},
                         EncodeError::AuthenticationDataWithoutMethod);
  const Buf wire = bytes({0x20, 0x08, 0x00, 0x00}) + props(kData);
  EXPECT_EQ(decode_error_v5(wire), DecodeError::AuthenticationDataWithoutMethod);
  const Buf with_method = bytes({0x20, 0x0C, 0x00, 0x00}) + props(kMethod + kData);
  EXPECT_EQ(decode_v5<Connack>(with_method).properties.find(PropertyId::AuthenticationMethod)->text,
            "M");
}

TEST(V5AuthRefusals, AuthWithoutMethodIsNotEncoded) {
  for (std::uint8_t code :
       {reason::kSuccess, reason::kContinueAuthentication, reason::kReauthenticate}) {
    expect_encode_error_v5(Auth{code}, EncodeError::MissingAuthenticationMethod);
    expect_encode_error_v5(Auth{code, as_properties(kReason)},
                           EncodeError::MissingAuthenticationMethod);
    expect_encode_error_v5(Auth{code, as_properties(kData)},
                           EncodeError::AuthenticationDataWithoutMethod);
  }
  // The reason code is checked first: a reason code AUTH cannot carry says so.
  expect_encode_error_v5(Auth{reason::kProtocolError}, EncodeError::InvalidReasonCode);
}

TEST(V5AuthRefusals, AuthWithoutMethodIsNotDecoded) {
  // The short form of 3.15.2.1 (remaining length 0), a reason code alone, and properties
  // without the method: each names no method.
  EXPECT_EQ(decode_error_v5(bytes({0xF0, 0x00})), DecodeError::MissingAuthenticationMethod);
  EXPECT_EQ(decode_error_v5(bytes({0xF0, 0x01, 0x18})), DecodeError::MissingAuthenticationMethod);
  EXPECT_EQ(decode_error_v5(bytes({0xF0, 0x06, 0x18}) + props(kReason)),
            DecodeError::MissingAuthenticationMethod);
  EXPECT_EQ(decode_error_v5(bytes({0xF0, 0x07, 0x18}) + props(kData)),
            DecodeError::AuthenticationDataWithoutMethod);
  EXPECT_EQ(reason_code_for(DecodeError::MissingAuthenticationMethod), reason::kProtocolError);
  // Both directions refuse it: a client's AUTH to a server too.
  auto from_client = decode_from_client(view(bytes({0xF0, 0x00})), limits_for(kV5));
  ASSERT_FALSE(from_client.ok());
  EXPECT_EQ(from_client.error(), DecodeError::MissingAuthenticationMethod);
  auto from_server = decode_from_server(view(bytes({0xF0, 0x01, 0x19})), limits_for(kV5));
  ASSERT_FALSE(from_server.ok());
  EXPECT_EQ(from_server.error(), DecodeError::MissingAuthenticationMethod);
}

TEST(V5AuthRefusals, ErrorsSayWhatToDo) {
  EXPECT_NE(describe(EncodeError::AuthenticationDataWithoutMethod).find("method"),
            std::string_view::npos);
  EXPECT_NE(describe(EncodeError::MissingAuthenticationMethod).find("method"),
            std::string_view::npos);
  EXPECT_NE(describe(DecodeError::AuthenticationDataWithoutMethod).find("method"),
            std::string_view::npos);
  EXPECT_NE(describe(DecodeError::MissingAuthenticationMethod).find("method"),
            std::string_view::npos);
}

}  // namespace
}  // namespace codec_test
