// Identity of a POSIX host: the device's MAC, else the OS installation's machine id.
#if !defined(ESP_PLATFORM)

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "machine_identity.hpp"
#include "mqtt_setup/platform.hpp"

namespace mqtt_setup::platform {
namespace posix {
namespace {

constexpr std::size_t kNameMax = 256;
constexpr std::size_t kPathMax = 512;

// Reads up to out.size() - 1 bytes and terminates them; 0 if unreadable. open/read rather than
// iostreams: no allocation, and sysfs files are a few bytes.
std::size_t read_small_file(const char* path, std::span<char> out) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  std::size_t used = 0;
  for (int tries = 0; tries < 16 && used + 1 < out.size(); ++tries) {
    const ssize_t n = ::read(fd, out.data() + used, out.size() - 1 - used);
    if (n <= 0) break;
    used += static_cast<std::size_t>(n);
  }
  ::close(fd);
  out[used] = '\0';
  return used;
}

bool path_exists(const char* path) { return ::access(path, F_OK) == 0; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

struct Candidate {
  Mac mac{};
  int rank = -1;
  char name[kNameMax]{};
};

}  // namespace

std::uint64_t fnv1a64(std::span<const std::uint8_t> data) {
  std::uint64_t hash = 0xCBF29CE484222325ULL;
  for (const std::uint8_t byte : data) {
    hash ^= byte;
    hash *= 0x100000001B3ULL;
  }
  return hash;
}

namespace {

// 6 bytes of a 64-bit hash, so hashed ids look like (and are as long as) MAC-based ones.
Mac hash_id(const char* text, std::size_t length) {
  const std::uint64_t hash =
      fnv1a64(std::span(reinterpret_cast<const std::uint8_t*>(text), length));
  Mac id{};
  for (std::size_t i = 0; i < id.size(); ++i) {
    id[i] = static_cast<std::uint8_t>(hash >> (8 * i));
  }
  return id;
}

}  // namespace

std::optional<Mac> parse_mac(std::span<const char> text) {
  Mac mac{};
  std::size_t pos = 0;
  for (std::size_t i = 0; i < mac.size(); ++i) {
    if (i > 0) {
      if (pos >= text.size() || text[pos] != ':') return std::nullopt;
      ++pos;
    }
    if (pos + 2 > text.size()) return std::nullopt;
    const int high = hex_value(text[pos]);
    const int low = hex_value(text[pos + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    mac[i] = static_cast<std::uint8_t>(high * 16 + low);
    pos += 2;
  }
  // Longer hardware addresses (InfiniBand: 20 bytes) are not MACs; refuse them here.
  for (; pos < text.size() && text[pos] != '\0'; ++pos) {
    if (!is_space(text[pos])) return std::nullopt;
  }
  return mac;
}

std::optional<Mac> interface_mac(const char* net_dir) {
  DIR* dir = ::opendir(net_dir);
  if (dir == nullptr) return std::nullopt;
  Candidate best;
  // Bounded: a host with more interfaces than this has bigger problems than its client id.
  for (int count = 0; count < 4096; ++count) {
    const dirent* entry = ::readdir(dir);
    if (entry == nullptr) break;
    const char* name = entry->d_name;
    if (name[0] == '.' || std::strcmp(name, "lo") == 0 || std::strlen(name) >= kNameMax) continue;

    char path[kPathMax];
    char text[64];
    std::snprintf(path, sizeof path, "%s/%s/address", net_dir, name);
    const std::size_t length = read_small_file(path, text);
    const auto mac = parse_mac(std::span<const char>(text, length));
    if (!mac || std::all_of(mac->begin(), mac->end(), [](std::uint8_t b) { return b == 0; })) {
      continue;
    }
    std::snprintf(path, sizeof path, "%s/%s/device", net_dir, name);
    const bool hardware = path_exists(path);
    const bool factory = ((*mac)[0] & 0x02U) == 0;  // locally administered bit clear
    const int rank = (hardware ? 2 : 0) + (factory ? 1 : 0);
    if (rank > best.rank || (rank == best.rank && std::strcmp(name, best.name) < 0)) {
      best.mac = *mac;
      best.rank = rank;
      std::snprintf(best.name, sizeof best.name, "%s", name);
    }
  }
  ::closedir(dir);
  if (best.rank < 0) return std::nullopt;
  return best.mac;
}

std::optional<Mac> file_hash_id(const char* path) {
  char text[256];
  const std::size_t length = read_small_file(path, text);
  std::size_t begin = 0;
  while (begin < length && is_space(text[begin])) ++begin;
  std::size_t end = begin;
  while (end < length && text[end] != '\n') ++end;
  while (end > begin && is_space(text[end - 1])) --end;
  if (end == begin) return std::nullopt;

  return hash_id(text + begin, end - begin);
}

}  // namespace posix

std::size_t unique_id(std::span<std::uint8_t> out) {
  auto id = posix::interface_mac("/sys/class/net");
  if (!id) id = posix::file_hash_id("/etc/machine-id");
  if (!id) id = posix::file_hash_id("/var/lib/dbus/machine-id");
  if (!id) {
    // Last resort (no sysfs, no systemd: BSDs, minimal containers): the host name is at least
    // stable across runs on the same machine.
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    id = posix::hash_id(host, std::strlen(host));
  }
  const std::size_t count = std::min(out.size(), id->size());
  std::copy_n(id->begin(), count, out.begin());
  return count;
}

std::string_view client_id_prefix() { return "linux"; }

}  // namespace mqtt_setup::platform

#endif  // !ESP_PLATFORM
