// SPDX-License-Identifier: MIT
// The real bgo against a stand-in bgod that answers with replies of the wrong shape: bgo says
// `bgo: error: …` naming the method and key, and exits 1 instead of aborting.
#include <atomic>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"

namespace bgo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// Listens on `<home>/bgo.sock` and answers every request of every connection with `result`
// (the request's id echoed), until destroyed.
class FakeBgod {
 public:
  FakeBgod(const std::filesystem::path& home, std::string result) : result_(std::move(result)) {
    std::filesystem::create_directories(home);
    ::chmod(home.c_str(), 0700);
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string path = (home / "bgo.sock").string();
    path.copy(addr.sun_path, sizeof addr.sun_path - 1);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 8), 0);
    thread_ = std::thread([this] { serve(); });
  }
  FakeBgod(const FakeBgod&) = delete;
  FakeBgod& operator=(const FakeBgod&) = delete;
  ~FakeBgod() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      std::string buffer;
      while (!stop_) {
        pollfd c{client, POLLIN, 0};
        if (::poll(&c, 1, 50) <= 0) continue;
        char chunk[4096];
        const ssize_t n = ::read(client, chunk, sizeof chunk);
        if (n <= 0) break;
        buffer.append(chunk, static_cast<size_t>(n));
        for (size_t nl = buffer.find('\n'); nl != std::string::npos; nl = buffer.find('\n')) {
          const json::value request = json::parse(buffer.substr(0, nl));
          buffer.erase(0, nl + 1);
          const std::string reply = R"({"jsonrpc":"2.0","id":)" +
                                    json::serialize(request.at("id")) + R"(,"result":)" + result_ +
                                    "}\n";
          (void)::send(client, reply.data(), reply.size(), MSG_NOSIGNAL);
        }
      }
      ::close(client);
    }
  }

  std::string result_;
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class MalformedReplyTest : public DaemonTest {};

TEST_F(MalformedReplyTest, AMissingKeyIsAnErrorNamingMethodAndKeyWithExitOne) {
  const FakeBgod fake(home_, "{}");
  RunResult r = bgo({"stop", "web"}, {{"BGO_NO_AUTOSTART", "1"}});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_EQ(r.err, "bgo: error: unexpected reply from bgod to 'stop': 'pid' is missing\n");
  r = bgo({"status"}, {{"BGO_NO_AUTOSTART", "1"}});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "bgo: error: unexpected reply from bgod to 'list': 'processes' is missing\n");
}

TEST_F(MalformedReplyTest, AWrongTypeOrAReplyThatIsNotAnObjectIsAnErrorToo) {
  {
    const FakeBgod fake(home_, R"({"processes":[3],"broken":[]})");
    RunResult r = bgo({"status", "--json"}, {{"BGO_NO_AUTOSTART", "1"}});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err,
              "bgo: error: unexpected reply from bgod to 'list': 'processes[]' is not an object\n");
  }
  std::filesystem::remove(home_ / "bgo.sock");
  const FakeBgod fake(home_, "[1,2]");
  RunResult r = bgo({"flush"}, {{"BGO_NO_AUTOSTART", "1"}});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "bgo: error: unexpected reply from bgod to 'flush': the reply is not an object\n");
}

}  // namespace
}  // namespace bgo::test
