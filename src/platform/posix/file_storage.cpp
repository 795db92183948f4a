// Storage on Linux (Options::state_dir): one file per key in a directory.
//
// A write goes to "<key>.new", is fsync()ed, renamed over "<key>" and the directory is synced:
// after a crash or power cut the old blob or the new one is there, whole. Every call works
// relative to the directory's descriptor (openat/renameat/unlinkat), so no path is built and
// nothing is allocated after construction.
#if !defined(ESP_PLATFORM)

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mqtt_setup/platform.hpp"

namespace mqtt_setup::platform {

namespace {

constexpr std::size_t kMaxKey = 15;  // Storage's contract (NVS's limit)
constexpr char kTempSuffix[] = ".new";

// "<key>" or "<key>.new", NUL-terminated; false when the key breaks the contract (it could
// otherwise name "..", a hidden file or a path).
bool file_name(std::string_view key, bool temporary, char (&out)[kMaxKey + sizeof kTempSuffix]) {
  if (key.empty() || key.size() > kMaxKey) return false;
  for (const char c : key) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '_';
    if (!allowed) return false;
  }
  std::memcpy(out, key.data(), key.size());
  std::size_t end = key.size();
  if (temporary) {
    std::memcpy(out + end, kTempSuffix, sizeof kTempSuffix - 1);
    end += sizeof kTempSuffix - 1;
  }
  out[end] = '\0';
  return true;
}

bool write_all(int fd, codec::Bytes data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data = data.subspan(static_cast<std::size_t>(n));
  }
  return true;
}

class DirectoryStorage final : public Storage {
 public:
  explicit DirectoryStorage(int dir_fd) : dir_fd_(dir_fd) {}
  ~DirectoryStorage() override { ::close(dir_fd_); }
  DirectoryStorage(const DirectoryStorage&) = delete;
  DirectoryStorage& operator=(const DirectoryStorage&) = delete;

  Result<std::size_t, StorageError> read(std::string_view key, codec::MutableBytes out) override {
    char name[kMaxKey + sizeof kTempSuffix];
    if (!file_name(key, false, name)) return fail(EINVAL);
    const int fd = ::openat(dir_fd_, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? StorageError::NotFound : fail(errno);
    struct stat st {};
    if (::fstat(fd, &st) != 0) return close_and_fail(fd, errno);
    const auto size = static_cast<std::size_t>(st.st_size);
    if (size > out.size()) {
      ::close(fd);
      return StorageError::TooSmall;
    }
    std::size_t got = 0;
    while (got < size) {
      const ssize_t n = ::read(fd, out.data() + got, size - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return close_and_fail(fd, errno);
      if (n == 0) break;  // shorter than fstat said: someone truncated it; take what is there
      got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    return got;
  }

  Result<void, StorageError> write(std::string_view key, codec::Bytes data) override {
    char name[kMaxKey + sizeof kTempSuffix];
    char temp[kMaxKey + sizeof kTempSuffix];
    if (!file_name(key, false, name) || !file_name(key, true, temp)) return fail(EINVAL);
    const int fd = ::openat(dir_fd_, temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return fail(errno);
    // fsync before rename: otherwise a power cut can leave the new name on empty content.
    if (!write_all(fd, data) || ::fsync(fd) != 0) {
      const int error = errno;
      ::close(fd);
      ::unlinkat(dir_fd_, temp, 0);
      return fail(error);
    }
    if (::close(fd) != 0 || ::renameat(dir_fd_, temp, dir_fd_, name) != 0) {
      const int error = errno;
      ::unlinkat(dir_fd_, temp, 0);
      return fail(error);
    }
    // The rename itself is durable only once the directory is.
    if (::fsync(dir_fd_) != 0) return fail(errno);
    return {};
  }

  Result<void, StorageError> erase(std::string_view key) override {
    char name[kMaxKey + sizeof kTempSuffix];
    if (!file_name(key, false, name)) return fail(EINVAL);
    if (::unlinkat(dir_fd_, name, 0) != 0) {
      if (errno == ENOENT) return {};
      return fail(errno);
    }
    if (::fsync(dir_fd_) != 0) return fail(errno);
    return {};
  }

  int system_error() const override { return system_error_; }

 private:
  StorageError fail(int error) {
    system_error_ = error;
    return StorageError::Failed;
  }
  StorageError close_and_fail(int fd, int error) {
    ::close(fd);
    return fail(error);
  }

  int dir_fd_;
  int system_error_ = 0;
};

}  // namespace

std::unique_ptr<Storage> default_storage(const std::string& state_dir, int& error_number) {
  error_number = 0;
  if (state_dir.empty()) return nullptr;
  if (::mkdir(state_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    error_number = errno;
    return nullptr;
  }
  const int fd = ::open(state_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    error_number = errno;
    return nullptr;
  }
  return std::make_unique<DirectoryStorage>(fd);
}

}  // namespace mqtt_setup::platform

#endif  // !ESP_PLATFORM
