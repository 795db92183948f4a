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
// SIGINT/SIGTERM ends the input early: what was read is still delivered within --timeout.
// A second signal gives up at once (exit 5 if anything is left).
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "background_setup.hpp"
#include "client_setup.hpp"
#include "commands.hpp"
#include "connection_monitor.hpp"
#include "diagnostics.hpp"
#include "json_output.hpp"
#include "line_reader.hpp"
#include "stdout_lines.hpp"
#include "stop_signals.hpp"
#include "topic_checks.hpp"
#include "wakeup.hpp"

namespace mqtt_setup::cli {
namespace {

// A line longer than this is dropped (with a warning) rather than buffered without bound.
constexpr std::size_t kMaxLineBytes = 256 * 1024;
// Store memory per queued message: lines are usually short readings; long ones share the rest.
constexpr std::size_t kStoreBytesPerMessage = 4 * 1024;
constexpr std::size_t kMinStoreBytes = 1024 * 1024;
constexpr std::size_t kMaxStoreBytes = 64 * 1024 * 1024;

struct PipeArguments {
  ConnectionSettings connection;
  std::string suffix;
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
    mqtt_.disconnect();
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
        options.tx_buffer_size, publish_packet_bytes(setup_, args_.suffix.size(), kMaxLineBytes));
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
  std::uint64_t dropped() const { return rejected_ + mqtt_.stats().session.dropped; }

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
      if (signals_.count() >= 2) return finish_undelivered("interrupted");
      if (signals_.count() == 1 && input_open_) close_input();  // deliver what was read, then stop

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
        return finish_undelivered("--timeout (" + seconds_text(setup_.timeout) + ") ran out");
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
      print_warning("line " + std::to_string(read_) + " is longer than " +
                    std::to_string(kMaxLineBytes) + " bytes: dropped");
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
    if (!store_refused)
      print_warning("line " + std::to_string(read_) + " dropped: " + error.message());
    return accept_dropped();
  }

  bool accept_dropped() {
    ++rejected_;
    counted_ = false;
    return true;
  }

  void close_input() {
    if (!input_open_) return;
    input_open_ = false;
    if (pending_) offer(*pending_, true);  // it was read: deliver it with the rest
    pending_.reset();
    drain_deadline_ = Clock::now() + setup_.timeout;
  }

  int finish_undelivered(const std::string& why) {
    const std::uint64_t left = outstanding();
    if (left == 0) return finish(ExitCode::Success, {});
    std::string message = std::to_string(left) + " of " + std::to_string(published_) +
                          " messages not delivered: " + why;
    if (!mqtt_.is_connected())
      if (auto failure = monitor_.last_failure()) message += "; " + failure->describe();
    return finish(ExitCode::NotDelivered, message);
  }

  int finish(ExitCode code, const std::string& error) {
    if (setup_.json) out_.write(to_json_line(summary_json(read_, delivered(), dropped())));
    // Lines refused one by one were warned about as they came.
    if (const auto overflow = mqtt_.stats().session.dropped; overflow > 0)
      print_warning(std::to_string(overflow) + " of " + std::to_string(read_) +
                    " messages dropped: the queue was full while disconnected (see --queue)");
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
  LineReader reader_{STDIN_FILENO, kMaxLineBytes};

  std::optional<InputLine> pending_;
  bool counted_ = false;  // pending_ already counted as read
  bool input_open_ = true;
  std::optional<Clock::time_point> drain_deadline_;
  std::uint64_t read_ = 0;
  std::uint64_t published_ = 0;
  std::uint64_t rejected_ = 0;  // dropped by us (too long, refused), not by the store
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
  return {command, [command, args] { return run_pipe(*command, *args); }};
}

}  // namespace mqtt_setup::cli
