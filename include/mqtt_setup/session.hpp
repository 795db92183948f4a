// The MQTT client protocol state machine (3.1.1 and 5.0), sans-IO.
//
// The session never touches a socket, a clock or the heap. Time comes in as an argument
// (`Millis`, any monotonic millisecond count), bytes come in through `handle_bytes()`, and
// decisions come out through `poll_transmit()` (bytes to write), `poll_event()` (what happened)
// and `next_deadline()` (when to call `handle_timeout()`). The driver loop is:
//
//   s.start_connect(now);                        // after the transport connected
//   s.handle_bytes(received, now);               // whatever the socket gave, any split
//   while (auto ev = s.poll_event(now)) ...;     // decodes and acts on received packets
//   while (auto out = s.poll_transmit(tx, now)) transport.write_all(*out);
//   wait until s.next_deadline() or readable; s.handle_timeout(now);
//
// Memory: the caller owns every buffer (SessionBuffers), given at construction and used for the
// session's lifetime: `rx` holds received bytes until they are decoded (it must hold the largest
// packet the broker may send), `store` holds every outgoing message from publish() until it is
// acknowledged (QoS 1/2) or written (QoS 0) — in flight and queued alike, already encoded — and
// three small tables (acknowledgements owed, incoming QoS 2 ids, waiting events) whose sizes the
// caller picks; SessionStorage<> owns them inline at the sizes a general client needs.
// Threading: a Session is not thread-safe; one thread (or a lock) at a time.
//
// 5.0 (SessionConfig::version): CONNECT carries `connect_properties`; the CONNACK's limits are
// obeyed (receive maximum caps the in-flight window, maximum packet size refuses larger
// messages, topic alias maximum allows aliases, server keep-alive replaces ours); our own
// publishes get topic aliases (the topic goes once per connection, then 2 bytes) and carry
// their remaining lifetime as message expiry. `fall_back_to_311()` switches the wire version
// after a broker refused 5.0; stored messages are re-encoded as they are sent.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "mqtt_setup/codec.hpp"
#include "mqtt_setup/kconfig_defaults.hpp"
#include "mqtt_setup/result.hpp"
#include "mqtt_setup/session_types.hpp"
#include "mqtt_setup/store_journal.hpp"

namespace mqtt_setup {

struct SessionConfig {
  std::string_view client_id;  // views: the caller keeps the strings alive
  std::optional<std::string_view> username;
  std::optional<codec::Bytes> password;
  std::optional<codec::Will> will;
  std::uint16_t keep_alive_s = 60;      // 0 disables keep-alive
  bool clean_session = true;
  OverflowPolicy overflow = OverflowPolicy::DropOldest;  // when the store is full
  std::uint16_t max_inflight = 20;      // QoS 1/2 messages sent and not yet acknowledged
  std::uint32_t max_queued = 1000;      // messages held in the store; 0: refuse while disconnected
  /// How long a message sent (PUBLISH, PUBREL, SUBSCRIBE, UNSUBSCRIBE) may wait for its
  /// acknowledgement before the connection counts as broken (DisconnectReason::AckTimeout):
  /// a broker that answers PINGREQ but lost track of a message (RabbitMQ under a cluster
  /// change) would otherwise hold it until the link ends by itself. The reconnect resends it
  /// with DUP, the one resend MQTT 5 allows ([MQTT-4.4.0-1]). 0: wait as long as the link lives.
  std::uint32_t ack_timeout_ms = 0;
  Millis connect_timeout_ms = 10'000;   // CONNECT sent -> CONNACK received
  /// How long to wait for any byte after a PINGREQ. 0: half the keep-alive, so a dead link is
  /// declared at most 1.5 x keep-alive after the last byte received.
  Millis ping_timeout_ms = 0;
  /// Largest packet publish()/subscribe() may produce; the driver's transmit buffer must hold it.
  std::size_t max_packet_size = 4096;
  codec::ProtocolVersion version = codec::kDefaultVersion;  // must be codec::is_built()
  /// 5.0: CONNECT properties (session expiry, receive maximum, ...), a view the caller keeps.
  codec::Properties connect_properties;
  /// 5.0: the Topic Alias Maximum we announce, [MQTT-3.1.2.11.5]: the broker may use aliases
  /// 1..this in PUBLISH packets to us (0: none). The caller puts the same value in
  /// connect_properties (PropertyId::TopicAliasMaximum); the topics are kept in
  /// SessionBuffers::incoming_aliases.
  std::uint16_t topic_alias_maximum_in = 0;
  /// 5.0: topic aliases for our own publishes, at most this many (and at most the broker's
  /// topic alias maximum). Their topics live at the start of the store buffer:
  /// kAliasSlotSize bytes each; topics longer than that are sent in full.
  std::uint16_t topic_aliases = 0;
  /// 5.0 enhanced authentication ([MQTT-4.12], authenticator.hpp): the caller's, kept alive as
  /// long as the session. CONNECT carries its method and initial data; AUTH 0x18 from the
  /// server is answered; the successful CONNACK's data is checked. nullptr: none. With 3.1.1,
  /// start_connect() fails with AuthenticationUnavailable.
  Authenticator* authenticator = nullptr;
};

inline constexpr std::size_t kAliasSlotSize = 96;

/// What a 5.0 broker announced in CONNACK ([MQTT-3.2.2.3]); 3.1.1 brokers get the defaults.
struct ServerLimits {
  std::uint16_t receive_maximum = 65'535;
  std::uint32_t maximum_packet_size = 0;  // 0: no limit announced
  std::uint16_t topic_alias_maximum = 0;
  std::uint8_t maximum_qos = 2;
  bool retain_available = true;
  bool wildcard_subscriptions = true;
  bool shared_subscriptions = true;
  bool subscription_identifiers = true;
  std::optional<std::uint16_t> keep_alive_s;  // the server's keep-alive replaces ours, [MQTT-3.2.2-21]
};

/// An acknowledgement the session owes the broker (PUBACK, PUBREC, PUBREL, PUBCOMP), held until
/// poll_transmit() writes it.
struct PendingAck {
  codec::PacketType type;
  std::uint16_t packet_id;
};

/// An event waiting in the session for poll_event(): Disconnected (from fail(), a timeout,
/// connection_lost()) or Dropped (publish() pushing out an older message). Acknowledgements and
/// messages are returned as they are decoded and never wait here. Compact, because a fleet holds
/// thousands of tables: poll_event() turns it back into an Event.
struct QueuedEvent {
  Event::Kind kind = Event::Kind::Disconnected;
  DisconnectReason reason = DisconnectReason::Requested;
  codec::ConnectReturnCode refused = codec::ConnectReturnCode::Accepted;
  codec::DecodeError decode_error = codec::DecodeError::Incomplete;
  Violation violation = Violation::None;
  DropReason drop_reason = DropReason::Overflow;
  std::uint8_t reason_code = 0;
  AuthError auth_error = AuthError::None;
  std::uint32_t ticket = 0;
  std::string_view reason_string;     // views into the receive buffer, like Event's
  std::string_view server_reference;
};

/// The memory a session works in, all of it the caller's, given at construction and used for the
/// session's lifetime (SessionStorage below owns the three tables for callers who want them
/// inline). What each size means, and what happens when it is too small:
struct SessionBuffers {
  /// Received bytes until they are decoded; holds the largest packet the broker may send (a
  /// larger one ends the connection: DisconnectReason::PacketTooLarge).
  std::span<std::uint8_t> rx;
  /// Every outgoing message until acknowledged (QoS 1/2) or written (QoS 0); full: see
  /// OverflowPolicy.
  std::span<std::uint8_t> store;
  /// Acknowledgements not yet written. Full: the session stops decoding received packets until
  /// poll_transmit() has written some (the socket then holds the broker back). At least 1, else
  /// start_connect() fails with SessionError::BufferTooSmall.
  std::span<PendingAck> acks;
  /// Identifiers of incoming QoS 2 messages delivered and not yet released (PUBREL), so that a
  /// resent PUBLISH is not delivered twice ([MQTT-4.3.3-2]). Full: further QoS 2 messages are
  /// still delivered, and counted in SessionStats::qos2_untracked (a resend of one of those
  /// after a reconnect would be delivered again). May be empty when nothing subscribes at QoS 2.
  std::span<std::uint16_t> incoming_qos2;
  /// Events waiting for poll_event(). Dropped events may fill all but one entry, so a
  /// Disconnected event always finds room; beyond that drops are only counted (stats()). With
  /// one entry no Dropped event is queued at all. At least 1, else start_connect() fails with
  /// SessionError::BufferTooSmall.
  std::span<QueuedEvent> events;
  /// 5.0: the topics of the broker's topic aliases (SessionConfig::topic_alias_maximum_in), 4
  /// bytes plus the topic each. Too small for a new topic: the oldest are forgotten (see
  /// src/session/incoming_aliases.cpp); 64 bytes per announced alias suits usual topics. May be
  /// empty when none are announced.
  std::span<std::uint8_t> incoming_aliases = {};
};

/// The session's three tables as fixed arrays, for callers who want them inline. The defaults
/// are what a general-purpose client needs: 32 acknowledgements (a broker's burst of QoS 1/2
/// answered in one write), 128 QoS 2 identifiers (mosquitto 2.0 was seen leaving 34 unreleased;
/// 3.1.1 puts no limit on it) and 4 events. A device that subscribes at QoS 0/1 only and
/// needs no Dropped event per message (stats() counts them all) can take
/// SessionStorage<2, 0, 1>.
template <std::size_t Acks = 32, std::size_t IncomingQoS2 = 128, std::size_t Events = 4,
          std::size_t IncomingAliasBytes = 64 * kconfig::kTopicAliasMaximumIn>
struct SessionStorage {
  std::array<PendingAck, Acks> acks{};
  std::array<std::uint16_t, IncomingQoS2> incoming_qos2{};
  std::array<QueuedEvent, Events> events{};
  std::array<std::uint8_t, IncomingAliasBytes> incoming_aliases{};

  /// The session's buffers: these tables plus the caller's receive buffer and store.
  SessionBuffers buffers(std::span<std::uint8_t> rx, std::span<std::uint8_t> store) {
    return {rx, store, acks, incoming_qos2, events, incoming_aliases};
  }
};

class Session {
 public:
  Session(const SessionConfig& config, SessionBuffers buffers);

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// The transport is connected: queue CONNECT. Fails with Busy unless Disconnected, and with
  /// BufferTooSmall when SessionBuffers::acks or ::events has no entry.
  Result<void, SessionError> start_connect(Millis now);
  /// The transport broke or was closed. In-flight messages stay for the next connection.
  void connection_lost(Millis now);
  /// Queue DISCONNECT after what is already transmittable; state becomes Disconnected once
  /// poll_transmit() has handed it out.
  void disconnect(Millis now);
  /// The same with a 5.0 reason code ([MQTT-3.14.2.1]: 0x00 normal, 0x04 "disconnect with will
  /// message", so that the broker publishes the will) and, when given, the session expiry
  /// interval the broker should now keep the session for. A non-zero expiry is left out when
  /// CONNECT asked for 0 ([MQTT-3.14.2-2]: that would be a protocol error). Under 3.1.1 there is
  /// neither: 0x04 ends the connection without DISCONNECT, which is how a 3.1.1 broker is told
  /// to publish the will ([MQTT-3.1.2-8]); any other code sends the plain DISCONNECT.
  void disconnect(Millis now, std::uint8_t reason_code,
                  std::optional<std::uint32_t> session_expiry_s = std::nullopt);

  /// Feed received bytes (any split). Returns how many were taken: fewer than given only when
  /// the receive buffer is full of undecoded packets; call poll_event() and feed the rest.
  std::size_t handle_bytes(codec::Bytes data, Millis now);
  /// Zero-copy alternative: read straight into rx_space(), then commit the count.
  std::span<std::uint8_t> rx_space();
  void rx_commit(std::size_t n, Millis now);

  /// Lends a buffer out while it holds nothing, so that many sessions can share a few (a fleet
  /// of thousands of mostly idle devices takes one from a pool only while it needs it):
  /// replaces the receive buffer, or the store, and returns the one it replaced. Busy when rx
  /// holds bytes not yet decoded (views from the last poll_event() must also be dead when it
  /// is handed to someone else), or when the store holds a message or request
  /// (stats().queued != 0) or 5.0 topic aliases (which live at its start). An empty span is
  /// allowed: without rx nothing is received (rx_space() is empty), without a store publish()
  /// and subscribe() fail with TooLarge.
  Result<std::span<std::uint8_t>, SessionError> replace_rx(std::span<std::uint8_t> rx);
  Result<std::span<std::uint8_t>, SessionError> replace_store(std::span<std::uint8_t> store);

  /// Keep-alive and connect timeouts. Call at or after next_deadline().
  void handle_timeout(Millis now);

  /// Publish (QoS 0/1/2) or queue. Topic and payload are copied into the store.
  Result<Ticket, SessionError> publish(const codec::Publish& message, Millis now,
                                       const PublishOptions& options = {});
  /// Puts back a PUBLISH packet a journal kept (from a previous run); it goes out as new.
  Result<Ticket, SessionError> restore(codec::Bytes packet, Millis now);
  /// Visits every message still in the store (oldest first) with its encoded PUBLISH.
  using PendingFn = void (*)(void* context, std::uint32_t ticket, codec::Bytes packet);
  void for_each_pending(PendingFn fn, void* context) const;
  void set_journal(StoreJournal* journal) { journal_ = journal; }
  // --- Across a power-down (deep sleep): the session's state as bytes, and back.
  // What is kept: the next packet identifier; every message in the store, oldest first, with
  // its packet identifier, QoS, where it stands (queued / awaiting PUBACK or PUBREC / awaiting
  // PUBCOMP) and the time to live it has left (time spent powered down does not count: the
  // session has no wall clock); and the identifiers of incoming QoS 2 messages delivered but
  // not yet released, so that the broker's resend after the wake is not delivered again.
  // Not kept: SUBSCRIBE/UNSUBSCRIBE still in the store (the facade renews subscriptions itself),
  // acknowledgements not yet written (the broker resends what they answered).
  // After load_state() and a CONNACK with session present, messages that were awaiting PUBACK or
  // PUBREC go again with their identifier and DUP, those awaiting PUBCOMP send PUBREL; without
  // the session, everything unfinished is published again (as after any reconnect).
  // The format (little-endian, CRC-32 at the end) is described in src/session/snapshot.cpp.

  /// Bytes save_state() needs now.
  std::size_t state_size() const;
  /// The most save_state() can ever need from this session (its store full of the smallest
  /// messages): allocate a buffer of this size once, up front.
  std::size_t max_state_size() const;
  /// Whether a saved state would hold nothing a fresh session lacks but the packet identifier:
  /// no message stored, no incoming QoS 2 awaiting PUBREL. Callers may skip saving then.
  bool state_is_empty() const;
  /// Writes the state into `out` (the caller's buffer, not kept); returns the bytes written.
  /// `now` turns times to live into time left. Any session state may be saved; the session is
  /// not changed. Errors: BufferTooSmall (nothing written), TooLarge (client id over 65,535 B).
  Result<std::size_t, SessionError> save_state(codec::MutableBytes out, Millis now) const;
  /// Takes a state save_state() wrote (`in` is read, not kept) into this session, which must be
  /// fresh: Disconnected, nothing stored, nothing received. The journal, if set, is told of every
  /// message. On any error the session is unchanged: Busy (not fresh), StateCorrupt,
  /// StateVersion, StateForeign (another client id), TooLarge (the messages do not fit this
  /// session's store, max_queued or max_packet_size, or the unreleased QoS 2 identifiers its
  /// SessionBuffers::incoming_qos2 table).
  Result<void, SessionError> load_state(codec::Bytes in, Millis now);

  /// SUBSCRIBE / UNSUBSCRIBE; the answer comes as a Subscribed / Unsubscribed event.
  /// 5.0: a non-zero `subscription_id` (1 to 268,435,455, else InvalidMessage) goes with the
  /// SUBSCRIBE while the broker allows identifiers (ServerLimits::subscription_identifiers;
  /// left out otherwise, and under 3.1.1); the broker then names it in every PUBLISH this
  /// subscription brings ([MQTT-3.8.2.1.2], [MQTT-3.3.4-3]).
  Result<Ticket, SessionError> subscribe(std::span<const codec::Subscription> filters, Millis now,
                                         std::uint32_t subscription_id = 0);
  Result<Ticket, SessionError> unsubscribe(std::span<const std::string_view> filters, Millis now);

  /// 5.0 re-authentication on demand ([MQTT-4.12.1]): sends AUTH 0x19 with the authenticator's
  /// fresh start() data; the server's AUTH 0x18 rounds are answered and its AUTH 0x00 ends the
  /// exchange with a Reauthenticated event (a failure is the server's DISCONNECT). Other
  /// packets keep flowing meanwhile. Errors: AuthenticationUnavailable (no authenticator, or
  /// 3.1.1), NotConnected, Busy (an exchange is going on), AuthenticatorFailed (nothing sent).
  Result<void, SessionError> reauthenticate(Millis now);

  /// Encode what is due into `out` (as many whole packets as fit) and return those bytes, or
  /// nothing. The driver must write them all before calling again. `out` must be at least as
  /// large as the largest message published.
  /// After a Disconnected event for a protocol error the session detected on a 5.0 connection
  /// (MalformedPacket, ProtocolViolation, PacketTooLarge), it returns once more: a DISCONNECT
  /// with the reason code (0x81, 0x82, 0x94 topic alias invalid, 0x95) and a reason string,
  /// [MQTT-4.13.1]. The driver writes it without waiting (the link may be dead) and closes.
  std::optional<codec::Bytes> poll_transmit(std::span<std::uint8_t> out, Millis now);

  /// Decode received packets and return the next event, or nothing.
  std::optional<Event> poll_event(Millis now);

  /// 5.0 -> 3.1.1 after the broker refused 5.0 ("unacceptable protocol version"): the next
  /// start_connect() speaks 3.1.1. Messages already stored are converted as they are sent.
  void fall_back_to_311() {
    if (codec::kBuiltV311) wire_version_ = codec::ProtocolVersion::V311;  // else nothing to fall to
  }
  codec::ProtocolVersion version() const { return wire_version_; }
  /// The broker's limits from the last CONNACK (defaults under 3.1.1).
  const ServerLimits& server_limits() const { return server_; }

  /// When handle_timeout() is next needed; `now` when there is work pending; kNever if none.
  Millis next_deadline(Millis now) const;

  SessionState state() const { return state_; }
  bool connected() const { return state_ == SessionState::Connected; }
  SessionStats stats() const;
  const SessionConfig& config() const { return config_; }

  /// Optional observer of every packet sent and received (the CLI's -v). `outgoing` tells the
  /// direction. Called from poll_transmit() / poll_event(); costs nothing when unset.
  using TraceFn = void (*)(void* context, bool outgoing, const codec::Packet& packet);
  void set_trace(TraceFn fn, void* context) {
    trace_ = fn;
    trace_context_ = context;
    // Showing our own packets takes a decoder of CONNECT and SUBSCRIBE; named here, it is
    // linked only into programs that trace.
    decode_sent_ = &codec::decode_from_client;
  }

  /// 5.0: the DISCONNECT sent before closing on the broker's protocol error also carries a
  /// reason string, saying what was wrong (its reason code alone is sent otherwise). The texts
  /// are about 2.7 KB of flash, so a core-only image links them only when this is called; the
  /// MQTTSetup facade, which links them for its own errors anyway, calls it.
  void send_reason_strings() { farewell_properties_ = &farewell_reason_string; }

 /// Internal: an entry of the store (defined in src/session/record.hpp).
  struct Record;

 private:
  // store
  Record* record_at(std::size_t offset) const;
  std::size_t next_offset(std::size_t offset) const;
  Result<Record*, SessionError> append_record(std::size_t packet_size, Millis now);
  bool drop_oldest_queued();
  void drop(Record* record, DropReason reason);
  void finish(Record* record);
  bool purge_expired(Millis now);
  void replace_queued(std::string_view topic);
  void compact();
  void pop_done_records();
  Record* find_inflight(std::uint16_t packet_id, codec::PacketType kind);
  std::uint16_t allocate_packet_id();
  Result<Ticket, SessionError> queue_request(const codec::Packet& packet, Millis now);
  /// An earlier, unfinished record of the same request (equal but for the packet id).
  const Record* pending_twin(const Record& request) const;
  Millis ping_timeout() const;
  /// When the oldest message sent on this connection has waited ack_timeout_ms; kNever if none.
  Millis ack_deadline(Millis now) const;

  // receive
  void handle_packet(const codec::Packet& packet, Millis now, std::optional<Event>& out);
  void handle_publish(const codec::Publish& publish, std::optional<Event>& out);
  void handle_ack(const codec::Ack& ack, Millis now, std::optional<Event>& out);
  void handle_connack(const codec::Connack& connack, Millis now, std::optional<Event>& out);
  bool queue_ack(codec::PacketType type, std::uint16_t packet_id);
  void fail(Event event, Millis now);
  /// fail() with a Disconnected event that says only why (and, for ProtocolViolation, what).
  void fail(DisconnectReason reason, Millis now, Violation violation = Violation::None);
  void prepare_resend(bool session_present);

  // transmit
  std::size_t transmit_records(std::span<std::uint8_t> out, Millis now);
  /// Writes a stored record as it must go on this connection (5.0 extras, other version);
  /// 0 when it does not fit, SIZE_MAX when it can never be sent (dropped by the caller).
  std::size_t write_record(const Record& r, std::span<std::uint8_t> out, bool dup, Millis now);
  bool record_needs_rewrite(const Record& r) const;
  /// A PUBLISH with QoS or retain the broker's last CONNACK does not allow.
  bool beyond_server_limits(const Record& r) const;
  /// Why an unacknowledged record must not be resent on this connection, if it must not.
  std::optional<DropReason> resend_drop_reason(const Record& r, Millis now) const;

  // 5.0 DISCONNECT with a reason code before we close on a protocol error (farewell.cpp)
  void owe_farewell(const Event& event);
  std::optional<codec::Bytes> transmit_farewell(std::span<std::uint8_t> out);
  static codec::Properties farewell_reason_string(std::uint8_t code, std::uint8_t detail,
                                                  std::span<std::uint8_t> storage);
  /// The DISCONNECT disconnect() asked for, with its reason code and session expiry (5.0).
  codec::Disconnect requested_disconnect(codec::MutableBytes property_storage) const;

  // 5.0 enhanced authentication (session_auth.cpp)
  Result<void, SessionError> start_authentication();
  void handle_auth(const codec::Auth& auth, Millis now, std::optional<Event>& out);
  bool authenticated_by_connack(const codec::Connack& connack, Millis now);
  bool names_our_method(const codec::Properties& properties) const;
  void authentication_failed(AuthError error, Millis now);
  /// CONNECT's properties: the configured ones, then method and data, written at the end of
  /// `out`; the span left for the packet itself in `rest`. Nothing when they do not fit.
  std::optional<codec::Properties> auth_properties(std::span<std::uint8_t> out,
                                                   codec::Properties base,
                                                   std::span<std::uint8_t>& rest) const;
  std::size_t write_auth(std::span<std::uint8_t> out);

  // 5.0 (session_v5.cpp)
  void apply_connack_properties(const codec::Properties& properties);
  /// [MQTT-3.1.2-29]: a reason string or user property where CONNECT asked for none.
  bool problem_information_unrequested(const codec::Properties& properties) const;
  // incoming_aliases.cpp
  void reset_incoming_aliases();
  /// Sets the mapping a PUBLISH brings, or fills in its empty topic; the violation, if any.
  Violation resolve_incoming_alias(std::uint32_t alias, codec::Publish& publish);
  int find_alias(std::string_view topic) const;  // slot index, or -1
  int choose_alias_slot();                       // a free slot, else the next to reuse
  void remember_alias(int slot, std::string_view topic);
  bool aliases_enabled() const;
  std::uint16_t max_inflight() const;
  Millis keep_alive_ms() const;

  void push_event(const Event& event);
  Event pop_event();
  void trace(bool outgoing, codec::Bytes bytes) const;
  bool has_transmittable_record() const;

  SessionConfig config_;
  SessionBuffers buffers_;
  SessionState state_ = SessionState::Disconnected;
  SessionStats stats_;

  // receive buffer: [rx_begin_, rx_end_) holds undecoded bytes
  std::size_t rx_begin_ = 0;
  std::size_t rx_end_ = 0;

  // store: records in [store_head_, store_tail_), next to transmit at store_cursor_
  std::size_t store_head_ = 0;
  std::size_t store_tail_ = 0;
  std::size_t store_cursor_ = 0;
  std::uint32_t next_ticket_ = 1;
  std::uint16_t next_packet_id_ = 1;

  // the tables in buffers_ (acks, incoming_qos2, events): how many entries are in use
  std::uint32_t pending_ack_count_ = 0;
  std::uint32_t incoming_qos2_count_ = 0;
  std::uint32_t event_head_ = 0;
  std::uint32_t event_count_ = 0;

  bool connect_pending_ = false;
  bool ping_pending_ = false;
  bool ping_outstanding_ = false;
  bool disconnect_pending_ = false;
  bool disconnect_expiry_set_ = false;
  bool session_kept_ = false;  // the last CONNACK said session present (and we asked to keep it)
  bool incoming_alias_forgotten_ = false;  // a mapping was dropped for room on this connection
  // enhanced authentication (with auth_data_ below): the exchange going on, and the reason
  // code of the AUTH to send next (0: none). Here, where the flags leave padding.
  enum class AuthStep : std::uint8_t { None, Connecting, Reauthenticating };
  AuthStep auth_step_ = AuthStep::None;
  std::uint8_t auth_to_send_ = 0;
  Millis connect_deadline_ = kNever;
  Millis ping_sent_at_ = 0;
  Millis last_tx_ = 0;
  Millis last_rx_ = 0;
  std::uint32_t live_count_ = 0;   // records not Done
  std::uint32_t inflight_ = 0;     // records InFlight or Released
  std::uint32_t sent_on_connection_ = 0;  // of which written on this connection (the window)
  std::uint32_t disconnect_expiry_s_ = 0;  // disconnect(): session expiry to send, if set
  StoreJournal* journal_ = nullptr;
  TraceFn trace_ = nullptr;
  void* trace_context_ = nullptr;
  Result<codec::Decoded, codec::DecodeError> (*decode_sent_)(codec::Bytes,
                                                             const codec::DecodeLimits&) = nullptr;
  // send_reason_strings(): the farewell DISCONNECT's properties (written into `storage`)
  codec::Properties (*farewell_properties_)(std::uint8_t code, std::uint8_t detail,
                                            std::span<std::uint8_t> storage) = nullptr;

  // 5.0
  codec::ProtocolVersion wire_version_ = codec::ProtocolVersion::V311;
  // Three bytes here fill the padding before server_.
  std::uint8_t disconnect_code_ = 0;    // disconnect(): the reason code to send
  std::uint8_t farewell_code_ = 0;      // reason code of the DISCONNECT owed after fail(); 0: none
  std::uint8_t farewell_detail_ = 0;    // its codec::DecodeError or Violation, for the reason string
  ServerLimits server_;
  std::span<std::uint8_t> alias_area_;  // kAliasSlotSize per slot, carved from the store
  std::uint16_t aliases_used_ = 0;      // slots filled on this connection
  std::uint16_t alias_clock_ = 0;       // next slot to reuse when all are taken
  // enhanced authentication: the data of the AUTH to send next (a view into the
  // authenticator, valid until its next call)
  codec::Bytes auth_data_;
};

}  // namespace mqtt_setup
