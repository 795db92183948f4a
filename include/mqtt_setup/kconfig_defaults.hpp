// Build-time defaults: on ESP-IDF they come from menuconfig (Kconfig at the repository root,
// "Component config -> mqtt_setup"); everywhere else (Linux, Arduino, other MCUs) they are the
// values below, which are the documented Options defaults. Options starts from these, so
// `idf.py menuconfig` changes what `Options{}` means on the device without code changes.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(ESP_PLATFORM) && __has_include("sdkconfig.h")
#include "sdkconfig.h"
#endif

// The protocol versions built in (codec::kBuiltV311, codec::kBuiltV5 in properties.hpp). CMake
// defines both macros from MQTT_SETUP_PROTOCOLS; ESP-IDF's menuconfig choice maps here.
#if !defined(MQTT_SETUP_MQTT311) && !defined(MQTT_SETUP_MQTT5)
#if defined(CONFIG_MQTT_SETUP_PROTOCOLS_311)
#define MQTT_SETUP_MQTT311 1
#define MQTT_SETUP_MQTT5 0
#elif defined(CONFIG_MQTT_SETUP_PROTOCOLS_5)
#define MQTT_SETUP_MQTT311 0
#define MQTT_SETUP_MQTT5 1
#endif
#endif
#if !defined(MQTT_SETUP_MQTT311)
#define MQTT_SETUP_MQTT311 1
#endif
#if !defined(MQTT_SETUP_MQTT5)
#define MQTT_SETUP_MQTT5 1
#endif

namespace mqtt_setup::kconfig {

inline constexpr std::uint16_t kKeepAliveS =
#if defined(CONFIG_MQTT_SETUP_KEEP_ALIVE_S)
    CONFIG_MQTT_SETUP_KEEP_ALIVE_S;
#else
    60;
#endif

inline constexpr std::uint32_t kConnectTimeoutMs =
#if defined(CONFIG_MQTT_SETUP_CONNECT_TIMEOUT_MS)
    CONFIG_MQTT_SETUP_CONNECT_TIMEOUT_MS;
#else
    10'000;
#endif

inline constexpr std::uint32_t kRetryFirstMs =
#if defined(CONFIG_MQTT_SETUP_RETRY_FIRST_MS)
    CONFIG_MQTT_SETUP_RETRY_FIRST_MS;
#else
    2'000;
#endif

inline constexpr std::uint32_t kRetryMaxMs =
#if defined(CONFIG_MQTT_SETUP_RETRY_MAX_MS)
    CONFIG_MQTT_SETUP_RETRY_MAX_MS;
#else
    60'000;
#endif

/// 5.0: the Topic Alias Maximum we announce (Options::topic_alias_maximum_in): small on a
/// microcontroller, where each costs 64 bytes of SessionStorage.
inline constexpr std::uint16_t kTopicAliasMaximumIn =
#if defined(CONFIG_MQTT_SETUP_TOPIC_ALIAS_MAXIMUM_IN)
    CONFIG_MQTT_SETUP_TOPIC_ALIAS_MAXIMUM_IN;
#else
    10;
#endif

inline constexpr std::size_t kRxBufferSize =
#if defined(CONFIG_MQTT_SETUP_RX_BUFFER_SIZE)
    CONFIG_MQTT_SETUP_RX_BUFFER_SIZE;
#else
    4096;
#endif

inline constexpr std::size_t kTxBufferSize =
#if defined(CONFIG_MQTT_SETUP_TX_BUFFER_SIZE)
    CONFIG_MQTT_SETUP_TX_BUFFER_SIZE;
#else
    4096;
#endif

inline constexpr std::uint16_t kMaxInflight =
#if defined(CONFIG_MQTT_SETUP_MAX_INFLIGHT)
    CONFIG_MQTT_SETUP_MAX_INFLIGHT;
#else
    20;
#endif

inline constexpr std::uint32_t kQueueMessages =
#if defined(CONFIG_MQTT_SETUP_OUTBOX_MESSAGES)
    CONFIG_MQTT_SETUP_OUTBOX_MESSAGES;
#else
    1000;
#endif

inline constexpr std::size_t kQueueBytes =
#if defined(CONFIG_MQTT_SETUP_OUTBOX_BYTES)
    CONFIG_MQTT_SETUP_OUTBOX_BYTES;
#else
    64 * 1024;
#endif

// The connection task (ESP-IDF only; see src/platform/esp_idf/background_task.hpp).
inline constexpr std::size_t kTaskStackSize =
#if defined(CONFIG_MQTT_SETUP_TASK_STACK_SIZE)
    CONFIG_MQTT_SETUP_TASK_STACK_SIZE;
#else
    6144;
#endif

inline constexpr int kTaskPriority =
#if defined(CONFIG_MQTT_SETUP_TASK_PRIORITY)
    CONFIG_MQTT_SETUP_TASK_PRIORITY;
#else
    5;
#endif

inline constexpr int kTaskCore =  // -1: any core
#if defined(CONFIG_MQTT_SETUP_TASK_CORE)
    CONFIG_MQTT_SETUP_TASK_CORE;
#else
    -1;
#endif

// TLS: the maximum fragment length to negotiate (RFC 6066; 0 = don't ask). mbedTLS's own
// record buffers are CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN / OUT_CONTENT_LEN in ESP-IDF.
inline constexpr std::size_t kTlsMaxFragmentLen =
#if defined(CONFIG_MQTT_SETUP_TLS_MAX_FRAGMENT_LEN)
    CONFIG_MQTT_SETUP_TLS_MAX_FRAGMENT_LEN;
#else
    0;
#endif

// 0 Error, 1 Warning, 2 Info, 3 Debug (LogLevel's order).
inline constexpr std::uint8_t kLogLevel =
#if defined(CONFIG_MQTT_SETUP_LOG_LEVEL)
    CONFIG_MQTT_SETUP_LOG_LEVEL;
#else
    1;
#endif

inline constexpr std::uint8_t kProtocol =  // 0: 3.1.1, 1: 5.0, 2: 5.0 with fallback to 3.1.1
#if defined(CONFIG_MQTT_SETUP_PROTOCOL)
    CONFIG_MQTT_SETUP_PROTOCOL;
#else
    MQTT_SETUP_MQTT311 ? 0 : 1;  // 3.1.1 where it is built in, else 5.0
#endif

inline constexpr std::uint16_t kTopicAliases =
#if defined(CONFIG_MQTT_SETUP_TOPIC_ALIASES)
    CONFIG_MQTT_SETUP_TOPIC_ALIASES;
#else
    8;
#endif

}  // namespace mqtt_setup::kconfig
