#include "command_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mqtt_setup::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxNameBytes = 64;

struct Pipe {
  int read_end = -1;
  int write_end = -1;
  bool open() {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) return false;
    read_end = ends[0];
    write_end = ends[1];
    return true;
  }
  static void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  ~Pipe() {
    close_fd(read_end);
    close_fd(write_end);
  }
};

// Between fork and execve only async-signal-safe calls: the agent has other threads, whose
// locks may be held at the moment of the fork.
[[noreturn]] void exec_child(const char* path, int input, int output) {
  ::dup2(input, STDIN_FILENO);
  ::dup2(output, STDOUT_FILENO);
  ::dup2(output, STDERR_FILENO);
  // Its own process group, so a timeout kills whatever it started too.
  ::setpgid(0, 0);
  // The agent blocks SIGINT/SIGTERM for its signal thread; the mask survives execve.
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  char* const argv[] = {const_cast<char*>(path), nullptr};
  char* const envp[] = {const_cast<char*>("PATH=/usr/local/bin:/usr/bin:/bin"),
                        const_cast<char*>("LANG=C.UTF-8"), nullptr};
  ::execve(path, argv, envp);
  ::_exit(127);
}

int remaining_ms(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// Feeds the input and collects the output until the program closes its output or the deadline.
void exchange(int& input_fd, int output_fd, std::string_view input, const CommandLimits& limits,
              Clock::time_point deadline, CommandOutcome& outcome) {
  ::fcntl(input_fd, F_SETFL, O_NONBLOCK);
  std::size_t written = 0;
  if (input.empty()) Pipe::close_fd(input_fd);
  for (;;) {
    pollfd fds[2] = {{output_fd, POLLIN, 0}, {input_fd, POLLOUT, 0}};
    const nfds_t count = input_fd >= 0 ? 2 : 1;
    const int ready = ::poll(fds, count, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      outcome.timed_out = true;
      return;
    }
    if (count == 2 && fds[1].revents != 0) {
      const ssize_t n = ::write(input_fd, input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      // A program that does not read its input (or exits early) is not an error.
      if (n < 0 && errno != EAGAIN) written = input.size();
      if (written == input.size()) Pipe::close_fd(input_fd);
    }
    if (fds[0].revents != 0) {
      char buffer[4096];
      const ssize_t n = ::read(output_fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // every writer closed it: the program is done (or detached)
      const std::size_t room = limits.max_output - outcome.output.size();
      const auto got = static_cast<std::size_t>(n);
      outcome.output.append(buffer, std::min(room, got));
      if (got > room) outcome.truncated = true;
    }
  }
}

}  // namespace

bool is_safe_command_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) return false;
  for (const char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

CommandOutcome run_command(const std::string& dir, const std::string& name,
                           std::string_view input, const CommandLimits& limits) {
  CommandOutcome outcome;
  const std::string path = dir + "/" + name;
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode) ||
      ::access(path.c_str(), X_OK) != 0) {
    outcome.error = "no executable " + name + " in the --exec-dir";
    return outcome;
  }
  Pipe to_child, from_child;
  if (!to_child.open() || !from_child.open()) {
    outcome.error = std::string("pipe: ") + std::strerror(errno);
    return outcome;
  }
  const Clock::time_point deadline = Clock::now() + limits.timeout;
  const pid_t pid = ::fork();
  if (pid < 0) {
    outcome.error = std::string("fork: ") + std::strerror(errno);
    return outcome;
  }
  if (pid == 0) exec_child(path.c_str(), to_child.read_end, from_child.write_end);

  outcome.started = true;
  Pipe::close_fd(to_child.read_end);
  Pipe::close_fd(from_child.write_end);
  exchange(to_child.write_end, from_child.read_end, input, limits, deadline, outcome);
  Pipe::close_fd(to_child.write_end);

  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return outcome;
    if (outcome.timed_out || Clock::now() >= deadline) {
      outcome.timed_out = true;
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);  // in case it had not reached setpgid yet
      ::waitpid(pid, &status, 0);
      break;
    }
    ::usleep(10'000);
  }
  if (WIFEXITED(status)) outcome.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) outcome.signal = WTERMSIG(status);
  if (outcome.exit_code == 127 && outcome.output.empty()) outcome.error = "execve failed";
  return outcome;
}

}  // namespace mqtt_setup::cli
