// mqtt-setup pipe SUFFIX: every stdin line is one message to devices/{client_id}/SUFFIX, in
// order. Reconnects indefinitely; after end of input, exits 0 once everything is delivered or 5
// when --timeout runs out first.
//
// Flow control: while connected the store is the send window, and a full store means the broker
// (or the network) is slower than the input, so reading waits for deliveries: nothing is dropped
// while connected, nor while the first connection is still being set up. While disconnected,
// input keeps flowing into the store, and beyond --queue the oldest message is dropped and
// counted, as the spec asks.
//
// SIGINT/SIGTERM stops reading at once; what was read gets up to 2 s (at most --timeout) to be
// delivered, then the count of what is left is reported (exit 5). A second signal gives up at
// once.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "background_setup.hpp"
#include "client_setup.hpp"
#include "commands.hpp"
#include "connection_monitor.hpp"
#include "diagnostics.hpp"
#include "drop_counts.hpp"
#include "json_output.hpp"
#include "line_reader.hpp"
#include "stdout_lines.hpp"
#include "stop_signals.hpp"
#include "topic_checks.hpp"
#include "wakeup.hpp"

namespace mqtt_setup::cli {
namespace {

// --max-line: a line longer than this is dropped (with a warning) rather than buffered without
// bound. The transmit buffer holds one line of this size, allocated up front.
constexpr std::size_t kDefaultMaxLineBytes = 256 * 1024;
constexpr std::size_t kMaxMaxLineBytes = 16 * 1024 * 1024;
// Store memory per queued message: lines are usually short readings; long ones share the rest.
constexpr std::size_t kStoreBytesPerMessage = 4 * 1024;
constexpr std::size_t kMinStoreBytes = 1024 * 1024;
constexpr std::size_t kMaxStoreBytes = 64 * 1024 * 1024;
// After SIGINT/SIGTERM: time for what is in flight, as the spec allows.
constexpr std::chrono::milliseconds kDrainAfterSignal{2'000};

struct PipeArguments {
  ConnectionSettings connection;
  std::string suffix;
  std::size_t max_line = kDefaultMaxLineBytes;
};

class Pipe {
 public:
  Pipe(const PipeArguments& args, const ClientSetup& setup, Options options)
      : args_(args),
        setup_(setup),
        queue_limit_(std::max<std::uint32_t>(options.queue_messages, 1)),
        store_budget_(store_budget(options)),
        signals_(wakeup_),  // before MQTTSetup: its threads inherit the blocked signals
        monitor_(wakeup_, setup.json ? &out_ : nullptr),
        mqtt_(setup.servers, setup.default_port, setup.username, setup.password,
              with_buffers(options)) {
    monitor_.attach(mqtt_);
  }

  int run() {
    if (const Error error = mqtt_.last_error(); error.kind == Error::Kind::Storage)
      return fail(exit_code_for_connection(error),
                  "--queue-file " + setup_.queue_file + ": " + error.message());
    connecting_.emplace(mqtt_, wakeup_);
    const int code = pump();
    if (!connecting_->done()) {
      // Still in its first connection attempts: no session to close, and waiting for them
      // could break --timeout.
      exit_immediately(static_cast<ExitCode>(code));
    }
    mqtt_.disconnect(setup_.exit_reason);
    return code;
  }

 private:
  static std::size_t store_budget(const Options& options) {
    return std::clamp<std::size_t>(std::size_t{options.queue_messages} * kStoreBytesPerMessage,
                                   kMinStoreBytes, kMaxStoreBytes);
  }

  Options with_buffers(Options options) const {
    options.reconnect = true;  // indefinitely, while there is anything to deliver
    options.queue_file = setup_.queue_file;
    options.tx_buffer_size = std::max(
        options.tx_buffer_size, publish_packet_bytes(setup_, args_.suffix.size(), args_.max_line));
    // Our budget is an estimate of the store's use; the margin keeps the store itself from
    // ever being the one that runs out while connected.
    options.queue_bytes =
        std::max(options.queue_bytes, store_budget_ + store_budget_ / 2 + options.tx_buffer_size);
    return options;
  }

  // Counted by the session itself (in flight included), which also sees the drops made inside
  // our own publish() calls.
  std::uint64_t outstanding() const { return mqtt_.stats().session.queued; }
  std::uint64_t delivered() const { return mqtt_.stats().session.delivered; }
  DropCounts drops() const {
    DropCounts counts = local_drops_;
    counts.take_session(mqtt_.stats().session);
    return counts;
  }

  // While connected, whether one more message of `bytes` fits the send window without the store
  // having to drop one. The store's byte use is estimated from above, as if every message held
  // were as large as the largest one since it was last empty: a big line narrows the window for
  // a while instead of costing a message.
  bool window_has_room(std::size_t bytes) {
    const std::uint64_t held = outstanding();
    if (held == 0) largest_held_ = 0;
    largest_held_ = std::max(largest_held_, bytes);
    return held < queue_limit_ && (held + 1) * largest_held_ <= store_budget_;
  }

  // The main loop: read, publish, wait for room; after input ends, wait for deliveries.
  int pump() {
    for (;;) {
      if (auto fatal = monitor_.fatal())
        return finish(exit_code_for_connection(fatal->error), fatal->describe());
      if (signals_.count() >= 2) return finish_undelivered("interrupted by a second signal");
      if (signals_.count() == 1 && input_open_) close_input(/*interrupted=*/true);

      if (input_open_) {
        if (!pending_) pending_ = reader_.next_line();
        if (pending_) {
          if (offer(*pending_))
            pending_.reset();
          else
            wakeup_.wait(std::nullopt);  // room comes with a delivery or a state change
          continue;
        }
        if (reader_.finished()) {
          if (reader_.read_error() != 0)
            print_warning(std::string("reading standard input failed: ") +
                          std::strerror(reader_.read_error()));
          close_input();
          continue;
        }
        if (wakeup_.wait(std::nullopt, reader_.fd())) reader_.read_available();
        continue;
      }

      if (outstanding() == 0) return finish(ExitCode::Success, {});
      if (Clock::now() >= *drain_deadline_)
        return finish_undelivered(
            interrupted_ ? "stopped by a signal (" + seconds_text(drain_time()) + " to deliver)"
                         : "--timeout (" + seconds_text(setup_.timeout) + ") ran out");
      wakeup_.wait(drain_deadline_);
    }
  }

  // Publishes one line if there is room for it; false: wait and offer it again. `force` skips
  // the flow control, for the last line read before a stop signal.
  bool offer(const InputLine& line, bool force = false) {
    if (!counted_) {
      ++read_;
      counted_ = true;
    }
    if (line.too_long) {
      print_warning("line " + std::to_string(read_) + " is longer than --max-line (" +
                    std::to_string(args_.max_line) + " bytes): dropped");
      ++local_drops_.too_long;
      return accept_dropped();
    }
    const std::size_t bytes = publish_packet_bytes(setup_, args_.suffix.size(), line.text.size());
    // Until setup_connection() has made its attempts, the input waits for it like for a slow
    // broker: starting up is no reason to drop anything.
    const bool connected = mqtt_.is_connected() || !connecting_->done();
    if (connected && !force && !window_has_room(bytes)) return false;

    const auto published =
        mqtt_.publish(args_.suffix, codec::as_bytes(line.text), setup_.qos, setup_.retain,
                      setup_.publish);
    if (published) {
      ++published_;
      counted_ = false;
      return true;
    }
    const Error& error = published.error();
    const bool store_refused =
        error.kind == Error::Kind::QueueFull || error.kind == Error::Kind::NotConnected;
    if (store_refused && connected && !force && outstanding() > 0)
      return false;  // room comes with the next delivery
    if (store_refused) {
      ++local_drops_.queue_full;  // not in the session's count: it never took the message
    } else {
      print_warning("line " + std::to_string(read_) + " dropped: " + error.message());
      ++local_drops_.refused_locally;
      local_drops_.last_local = error.message();
    }
    return accept_dropped();
  }

  bool accept_dropped() {
    counted_ = false;
    return true;
  }

  void close_input(bool interrupted = false) {
    if (!input_open_) return;
    input_open_ = false;
    interrupted_ = interrupted;
    if (pending_) offer(*pending_, true);  // it was read: deliver it with the rest
    pending_.reset();
    drain_deadline_ = Clock::now() + drain_time();
  }

  std::chrono::milliseconds drain_time() const {
    return interrupted_ ? std::min(kDrainAfterSignal, setup_.timeout) : setup_.timeout;
  }

  int finish_undelivered(const std::string& why) {
    const std::uint64_t left = outstanding();
    if (left == 0) return finish(ExitCode::Success, {});
    std::string message = std::to_string(left) + " of " + std::to_string(read_) +
                          " messages not delivered: " + why;
    if (!mqtt_.is_connected())
      if (auto failure = monitor_.last_failure()) message += "; " + failure->describe();
    return finish(ExitCode::NotDelivered, message);
  }

  // Exit 0 means every line read was delivered (docs/cli.md): any drop makes it 5, with each
  // cause counted in the one error line.
  int finish(ExitCode code, std::string error) {
    const DropCounts dropped = drops();
    if (setup_.json) {
      Json summary = summary_json(read_, delivered(), dropped.total());
      if (dropped.total() > 0) summary["dropped_by_cause"] = dropped.json();
      out_.write(to_json_line(summary));
    }
    if (dropped.total() > 0) {
      const std::string drop_text = std::to_string(dropped.total()) + " of " +
                                    std::to_string(read_) + " messages dropped: " +
                                    dropped.describe(args_.max_line);
      error = error.empty() ? drop_text : error + "; " + drop_text;
      if (code == ExitCode::Success) code = ExitCode::NotDelivered;
    }
    return code == ExitCode::Success ? to_int(code) : fail(code, error);
  }

  const PipeArguments& args_;
  const ClientSetup& setup_;
  const std::uint64_t queue_limit_;
  const std::size_t store_budget_;

  Wakeup wakeup_;
  StopSignals signals_;
  StdoutLines out_;
  ConnectionMonitor monitor_;
  MQTTSetup mqtt_;
  std::optional<BackgroundSetup> connecting_;  // after mqtt_: it must end before mqtt_ does
  LineReader reader_{STDIN_FILENO, args_.max_line};

  std::optional<InputLine> pending_;
  bool counted_ = false;  // pending_ already counted as read
  bool input_open_ = true;
  bool interrupted_ = false;  // the input ended with SIGINT/SIGTERM
  std::optional<Clock::time_point> drain_deadline_;
  std::uint64_t read_ = 0;
  std::uint64_t published_ = 0;
  DropCounts local_drops_;  // dropped before the session took them (too long, refused)
  std::size_t largest_held_ = 0;
};

int run_pipe(CLI::App& command, PipeArguments& args) {
  const ClientSetup setup = resolve_client_setup(command, args.connection, QoS::AtLeastOnce);
  check_topic_suffix(args.suffix, "SUFFIX", topic_prefix_bytes(setup.options));
  Pipe pipe{args, setup, setup.options};
  return pipe.run();
}

}  // namespace

Command add_pipe_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand(
      "pipe", "publish each line of standard input to devices/{client_id}/SUFFIX, in order");
  auto args = std::make_shared<PipeArguments>();
  const OptionSet used{.publish = true, .queue = true, .timeout = true, .json = true};
  add_connection_options(*command, args->connection, used);
  command->add_option("SUFFIX", args->suffix, "topic under devices/{client_id}/, e.g. sensors/log")
      ->required();
  command
      ->add_option("--max-line", args->max_line,
                   "longer lines are dropped and counted (default: 262144 bytes = 256 KiB; at "
                   "most 16777216 = 16 MiB)")
      ->check(CLI::Range(std::size_t{1}, kMaxMaxLineBytes).description(""))
      ->type_name("BYTES")
      ->group("Delivery");
  return {command, [command, args] { return run_pipe(*command, *args); }};
}

}  // namespace mqtt_setup::cli
