/* SPDX-License-Identifier: MIT */
/* The floor for bench/scale.sh: posix_spawn N copies of a command, waiting for none, and
 * print the milliseconds that took. Then kills and reaps its own children (by pid).
 *   spawn_floor N /bin/sleep 100000 */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: spawn_floor N PROGRAM [ARGS...]\n");
    return 2;
  }
  const long n = strtol(argv[1], NULL, 10);
  pid_t* pids = calloc((size_t)(n > 0 ? n : 1), sizeof *pids);
  if (pids == NULL) return 1;
  long started = 0;
  const double t0 = now_ms();
  for (; started < n; ++started) {
    if (posix_spawn(&pids[started], argv[2], NULL, NULL, argv + 2, environ) != 0) {
      perror("posix_spawn");
      break;
    }
  }
  const double elapsed = now_ms() - t0;
  printf("%.1f\n", elapsed);
  fflush(stdout);
  for (long i = 0; i < started; ++i) kill(pids[i], SIGKILL);
  for (long i = 0; i < started; ++i) waitpid(pids[i], NULL, 0);
  free(pids);
  return started == n ? 0 : 1;
}
