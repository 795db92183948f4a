// bench_mosquitto_fleet: the peer figure for docs/fleet.md's "RSS per device". N libmosquitto
// clients in one thread and one epoll set, each doing what a `mqtt-setup fleet` device does on
// connect (last will, SUBSCRIBE devices/{id}/commands/#, a retained QoS 1 "online"), then idle.
// Prints one line: devices=, connected=, baseline_rss_kib=, connected_rss_kib=,
// rss_per_device_bytes= (the same measurement as the fleet: RSS once all are connected and
// answered, minus RSS before the first client was made, over N).
//
//   bench_mosquitto_fleet HOST PORT DEVICES [TIMEOUT_S]
// libmosquitto holds a socket pair per client besides its connection: 3 descriptors each, so
// DEVICES is bounded by a third of the open-files limit (raised here to the hard limit).
#include <mosquitto.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

struct Counts {
  int connected = 0;
  int answered = 0;  // SUBACK and PUBACK of "online" both received
};

struct Client {
  mosquitto* mosq = nullptr;
  Counts* counts = nullptr;
  std::string id;
  int acks = 0;
};

std::uint64_t resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      std::uint64_t kib = 0;
      status >> kib;
      return kib;
    }
    status.ignore(1 << 16, '\n');
  }
  return 0;
}

double monotonic_s() {
  timespec t{};
  ::clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

void answered_once(Client& c) {
  if (++c.acks == 2) ++c.counts->answered;
}

void on_connect(mosquitto* mosq, void* user, int rc) {
  auto& c = *static_cast<Client*>(user);
  if (rc != 0) return;
  ++c.counts->connected;
  const std::string base = "devices/" + c.id + "/";
  mosquitto_subscribe(mosq, nullptr, (base + "commands/#").c_str(), 1);
  mosquitto_publish(mosq, nullptr, (base + "status/online").c_str(), 6, "online", 1, true);
}

void on_subscribe(mosquitto*, void* user, int, int, const int*) {
  answered_once(*static_cast<Client*>(user));
}

void on_publish(mosquitto*, void* user, int) { answered_once(*static_cast<Client*>(user)); }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s HOST PORT DEVICES [TIMEOUT_S]\n", argv[0]);
    return 2;
  }
  const std::string host = argv[1];
  const int port = std::atoi(argv[2]);
  const int devices = std::atoi(argv[3]);
  const double timeout_s = argc > 4 ? std::atof(argv[4]) : 120;
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &files);

  mosquitto_lib_init();
  const int epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  Counts counts;
  // Before the per-client state (the program's, like the fleet's Device) is made.
  const std::uint64_t baseline_kib = resident_kib();
  std::vector<Client> clients(static_cast<std::size_t>(devices));

  auto serve = [&](int wait_ms) {
    epoll_event events[256];
    const int ready = ::epoll_wait(epoll_fd, events, 256, wait_ms);
    for (int i = 0; i < ready; ++i) {
      mosquitto* m = clients[events[i].data.u32].mosq;
      mosquitto_loop_read(m, 1);
      if (mosquitto_want_write(m)) mosquitto_loop_write(m, 1);
    }
  };

  const double start = monotonic_s();
  for (int i = 0; i < devices; ++i) {
    Client& c = clients[static_cast<std::size_t>(i)];
    c.counts = &counts;
    c.id = "mosq-fleet-" + std::to_string(i + 1);
    c.mosq = mosquitto_new(c.id.c_str(), true, &c);
    if (c.mosq == nullptr) {
      std::fprintf(stderr, "mosquitto_new failed at %d\n", i);
      return 1;
    }
    mosquitto_connect_callback_set(c.mosq, on_connect);
    mosquitto_subscribe_callback_set(c.mosq, on_subscribe);
    mosquitto_publish_callback_set(c.mosq, on_publish);
    const std::string will = "devices/" + c.id + "/status/online";
    mosquitto_will_set(c.mosq, will.c_str(), 7, "offline", 1, true);
    if (mosquitto_connect(c.mosq, host.c_str(), port, 60) != MOSQ_ERR_SUCCESS) {
      std::fprintf(stderr, "connect failed at %d (open files?)\n", i);
      return 1;
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u32 = static_cast<std::uint32_t>(i);
    ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, mosquitto_socket(c.mosq), &event);
    if (i % 100 == 99) serve(0);  // answers flow while the rest connect
  }
  while (counts.answered < devices && monotonic_s() - start < timeout_s) serve(10);
  const std::uint64_t connected_kib = resident_kib();

  std::printf("client=libmosquitto devices=%d connected=%d answered=%d baseline_rss_kib=%llu "
              "connected_rss_kib=%llu rss_per_device_bytes=%.0f\n",
              devices, counts.connected, counts.answered,
              static_cast<unsigned long long>(baseline_kib),
              static_cast<unsigned long long>(connected_kib),
              1024.0 * static_cast<double>(connected_kib - baseline_kib) / devices);
  for (Client& c : clients) {
    mosquitto_disconnect(c.mosq);
    mosquitto_destroy(c.mosq);
  }
  mosquitto_lib_cleanup();
  return counts.answered == devices ? 0 : 1;
}
