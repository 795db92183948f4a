// mqtt-setup fleet-report A.json B.json ...: one fleet out of the --json summaries of several
// `fleet` processes (fleet/fleet_merge.hpp). Exit codes as `fleet` would give for the whole:
// 0 all connected and nothing lost, 1 some device never connected, 5 messages lost; 2 when a
// file cannot be read or is not a fleet summary.
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "diagnostics.hpp"
#include "fleet/fleet_merge.hpp"
#include "stdout_lines.hpp"

namespace mqtt_setup::cli {
namespace {

struct ReportArguments {
  std::vector<std::string> files;
  bool json = false;
};

// The summary is the file's last non-empty line (`fleet --json > A.json` writes only it).
FleetShard read_shard(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw UsageError("cannot read " + file);
  std::string line, last;
  while (std::getline(in, line))
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  const Json parsed = Json::parse(last, nullptr, /*allow_exceptions=*/false);
  std::string error;
  auto summary = summary_from_json(parsed, error);
  if (!summary) throw UsageError(file + ": " + error);
  return {file, std::move(*summary)};
}

int run_report(const ReportArguments& args) {
  std::vector<FleetShard> shards;
  for (const std::string& file : args.files) shards.push_back(read_shard(file));
  const MergedFleet merged = merge_shards(shards);
  StdoutLines out;
  out.write(args.json ? to_json_line(merged_json(shards, merged)) : merged_text(shards, merged));
  const FleetSummary& t = merged.total;
  if (t.connected < t.devices)
    return fail(ExitCode::Unreachable, std::to_string(t.devices - t.connected) + " of " +
                                           std::to_string(t.devices) +
                                           " devices never connected");
  if (t.lost > 0)
    return fail(ExitCode::NotDelivered,
                std::to_string(t.lost) + " messages were not acknowledged");
  return to_int(ExitCode::Success);
}

}  // namespace

Command add_fleet_report_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand(
      "fleet-report",
      "combine the --json summaries of several fleet processes (--first-index) into one");
  auto args = std::make_shared<ReportArguments>();
  command->add_option("FILE", args->files, "a `fleet --json` summary, one per process")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_flag("--json", args->json,
                    "one JSON object: fleet's summary with merged latency buckets, the shards "
                    "and the slowest one");
  return {command, [args] { return run_report(*args); }};
}

}  // namespace mqtt_setup::cli
