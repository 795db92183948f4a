// The names of 5.0 properties as logs and the CLI print them. Apart from the rules table
// (properties.cpp) so that a client that never prints a property does not carry the strings.
#include "mqtt_setup/properties.hpp"

namespace mqtt_setup::codec {

std::string_view name_of(PropertyId id) {
  switch (id) {
    case PropertyId::PayloadFormatIndicator: return "payload-format-indicator";
    case PropertyId::MessageExpiryInterval: return "message-expiry-interval";
    case PropertyId::ContentType: return "content-type";
    case PropertyId::ResponseTopic: return "response-topic";
    case PropertyId::CorrelationData: return "correlation-data";
    case PropertyId::SubscriptionIdentifier: return "subscription-identifier";
    case PropertyId::SessionExpiryInterval: return "session-expiry-interval";
    case PropertyId::AssignedClientIdentifier: return "assigned-client-identifier";
    case PropertyId::ServerKeepAlive: return "server-keep-alive";
    case PropertyId::AuthenticationMethod: return "authentication-method";
    case PropertyId::AuthenticationData: return "authentication-data";
    case PropertyId::RequestProblemInformation: return "request-problem-information";
    case PropertyId::WillDelayInterval: return "will-delay-interval";
    case PropertyId::RequestResponseInformation: return "request-response-information";
    case PropertyId::ResponseInformation: return "response-information";
    case PropertyId::ServerReference: return "server-reference";
    case PropertyId::ReasonString: return "reason-string";
    case PropertyId::ReceiveMaximum: return "receive-maximum";
    case PropertyId::TopicAliasMaximum: return "topic-alias-maximum";
    case PropertyId::TopicAlias: return "topic-alias";
    case PropertyId::MaximumQoS: return "maximum-qos";
    case PropertyId::RetainAvailable: return "retain-available";
    case PropertyId::UserProperty: return "user-property";
    case PropertyId::MaximumPacketSize: return "maximum-packet-size";
    case PropertyId::WildcardSubscriptionAvailable: return "wildcard-subscription-available";
    case PropertyId::SubscriptionIdentifierAvailable: return "subscription-identifier-available";
    case PropertyId::SharedSubscriptionAvailable: return "shared-subscription-available";
  }
  return "unknown-property";
}

}  // namespace mqtt_setup::codec
