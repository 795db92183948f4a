#if !defined(ESP_PLATFORM)

#include "mqtt_setup/outbox_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <map>

#include "mqtt_setup/session.hpp"  // Session::for_each_pending
#include "platform/journal_record.hpp"

namespace mqtt_setup {

namespace {

bool write_all(int fd, const iovec* parts, int count) {
  std::array<iovec, 3> v{};
  std::copy(parts, parts + count, v.begin());
  int index = 0;
  while (index < count) {
    const ssize_t n = ::writev(fd, v.data() + index, count - index);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    auto left = static_cast<std::size_t>(n);
    while (index < count && left >= v[static_cast<std::size_t>(index)].iov_len) {
      left -= v[static_cast<std::size_t>(index)].iov_len;
      ++index;
    }
    if (index < count) {
      auto& part = v[static_cast<std::size_t>(index)];
      part.iov_base = static_cast<std::uint8_t*>(part.iov_base) + left;
      part.iov_len -= left;
    }
  }
  return true;
}

}  // namespace

namespace {

// The file starts with this: "mqttsq", the format version (1), a newline. A file that is not
// empty and does not start with it was not written by us, and is refused rather than replaced.
constexpr std::array<std::uint8_t, 8> kFileHeader = {'m', 'q', 't', 't', 's', 'q', 1, '\n'};

bool write_header(int fd) {
  const iovec part{const_cast<std::uint8_t*>(kFileHeader.data()), kFileHeader.size()};
  return write_all(fd, &part, 1);
}

}  // namespace

std::unique_ptr<OutboxFile> OutboxFile::open(const std::string& path,
                                             std::uint32_t sync_interval_ms, int& error_number) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    error_number = errno;
    return nullptr;
  }
  struct stat status{};
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {  // a device, a FIFO: not ours
    ::close(fd);
    error_number = platform::kForeignQueueFile;
    return nullptr;
  }
  std::unique_ptr<OutboxFile> file(new OutboxFile(path, fd, sync_interval_ms));
  errno = 0;
  if (!file->read_existing()) {
    error_number = file->foreign_ ? platform::kForeignQueueFile : (errno != 0 ? errno : EIO);
    return nullptr;
  }
  error_number = 0;
  return file;
}

OutboxFile::OutboxFile(std::string path, int fd, std::uint32_t sync_interval_ms)
    : path_(std::move(path)), fd_(fd), sync_interval_ms_(sync_interval_ms) {}

OutboxFile::~OutboxFile() {
  if (fd_ >= 0) {
    if (dirty_) ::fdatasync(fd_);
    ::close(fd_);
  }
}

bool OutboxFile::read_existing() {
  std::vector<std::uint8_t> data;
  std::array<std::uint8_t, 64 * 1024> chunk{};
  for (;;) {
    const ssize_t n = ::read(fd_, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) break;
    data.insert(data.end(), chunk.begin(), chunk.begin() + n);
  }
  if (data.empty()) {  // a new file: ours from now on
    if (!write_header(fd_)) return false;
    size_ = kFileHeader.size();
    return true;
  }
  if (data.size() < kFileHeader.size() ||
      !std::equal(kFileHeader.begin(), kFileHeader.end(), data.begin())) {
    foreign_ = true;
    return false;
  }
  // Replay in order; the first record that is short or fails its CRC ends the valid log.
  std::map<std::uint32_t, std::vector<std::uint8_t>> live;
  std::vector<std::uint32_t> order;
  std::size_t pos = kFileHeader.size();
  while (auto record = journal_record::decode({data.data() + pos, data.size() - pos})) {
    if (record->kind == journal_record::kStored) {
      live[record->number].assign(record->packet.begin(), record->packet.end());
      order.push_back(record->number);
    } else if (record->kind == journal_record::kRemoved) {
      live.erase(record->number);
    } else {
      break;  // a kind the file never holds
    }
    pos += record->size;
  }
  discarded_ = data.size() - pos;
  for (auto ticket : order) {
    auto it = live.find(ticket);
    if (it != live.end()) {
      recovered_.push_back(std::move(it->second));
      live.erase(it);
    }
  }
  if (discarded_ > 0 && ::ftruncate(fd_, static_cast<off_t>(pos)) != 0) return false;
  size_ = pos;
  return ::lseek(fd_, static_cast<off_t>(pos), SEEK_SET) >= 0;
}

void OutboxFile::append(std::uint8_t kind, std::uint32_t ticket, codec::Bytes packet) {
  std::uint8_t header[journal_record::kHeaderSize];
  journal_record::write_header(header, kind, ticket, packet.size());
  std::uint8_t trailer[journal_record::kTrailerSize];
  le::put32(trailer, journal_record::checksum(header, packet));
  const iovec parts[3] = {{header, sizeof header},
                          {const_cast<std::uint8_t*>(packet.data()), packet.size()},
                          {trailer, sizeof trailer}};
  if (!write_all(fd_, parts, 3)) {
    write_error_ = errno;
    return;
  }
  size_ += journal_record::size(packet.size());
  dirty_ = true;
  if (sync_interval_ms_ == 0) {
    ::fdatasync(fd_);
    dirty_ = false;
  }
}

void OutboxFile::stored(std::uint32_t ticket, codec::Bytes packet) {
  append(journal_record::kStored, ticket, packet);
}

void OutboxFile::removed(std::uint32_t ticket) { append(journal_record::kRemoved, ticket, {}); }

bool OutboxFile::rewrite(const Session& session) {
  // Write the live messages to a new file, make it durable, then atomically replace the log.
  const std::string temp = path_ + ".new";
  const int fd = ::open(temp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    write_error_ = errno;
    return false;
  }
  const int old_fd = fd_;
  const std::uint64_t old_size = size_;
  fd_ = fd;
  size_ = kFileHeader.size();
  write_error_ = write_header(fd) ? 0 : errno;
  const auto sync_interval = sync_interval_ms_;
  sync_interval_ms_ = 1;  // one fdatasync at the end, not per record
  session.for_each_pending(
      [](void* self, std::uint32_t ticket, codec::Bytes packet) {
        static_cast<OutboxFile*>(self)->stored(ticket, packet);
      },
      this);
  sync_interval_ms_ = sync_interval;
  const bool ok = write_error_ == 0 && ::fdatasync(fd) == 0 && ::rename(temp.c_str(), path_.c_str()) == 0;
  if (!ok) {
    if (write_error_ == 0) write_error_ = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    fd_ = old_fd;
    size_ = old_size;
    return false;
  }
  ::close(old_fd);
  dirty_ = false;
  return true;
}

void OutboxFile::maintain(const Session& session, Millis now, std::uint64_t threshold) {
  if (size_ > threshold) rewrite(session);
  if (dirty_ && now - last_sync_ >= sync_interval_ms_) {
    // Records written after this point are dirty again and wait for the next interval.
    sync_due_ = true;
    dirty_ = false;
    last_sync_ = now;
  }
}

void OutboxFile::run_sync() {
  // fd_ changes only in rewrite(), which runs on this same thread (maintain()).
  if (sync_due_) ::fdatasync(fd_);
  sync_due_ = false;
}

std::unique_ptr<platform::DurableQueue> platform::open_durable_queue(
    const std::string& path, const DurableQueueSettings& settings, int& error_number) {
  // The file holds the whole store and is compacted from it: max_messages and max_bytes are
  // the storage queue's (its medium is smaller than the store).
  return OutboxFile::open(path, settings.sync_interval_ms, error_number);
}

}  // namespace mqtt_setup

#endif  // !ESP_PLATFORM
