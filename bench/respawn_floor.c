/* SPDX-License-Identifier: MIT */
/* The floor for bench_respawn_gap (issue #18): the same crash-test child restarted by a bare
 * loop, waitpid then posix_spawn, with nothing in between. Its stdout goes to a file, and the
 * gap is timed as bench_respawn_gap's exit->main: from the child's `exiting=` line to the next
 * child's `started=` line (CLOCK_MONOTONIC, system-wide). Method: bench/README.md.
 *   bench_respawn_floor CHILD [RESTARTS [LIFE_MS]]   (CHILD: bin/bgo_test_child) */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

static int by_value(const void* a, const void* b) {
  const double x = *(const double*)a;
  const double y = *(const double*)b;
  return (x > y) - (x < y);
}

static double pct(const double* v, size_t n, double p) {
  size_t i = (size_t)(p * (double)n);
  return v[i < n ? i : n - 1];
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench_respawn_floor CHILD [RESTARTS [LIFE_MS]]\n");
    return 2;
  }
  const long restarts = argc > 2 ? strtol(argv[2], NULL, 10) : 200;
  const char* life = argc > 3 ? argv[3] : "120";
  char path[] = "/tmp/bgo-floor-XXXXXX";
  const int out = mkstemp(path);
  if (out < 0) {
    perror("mkstemp");
    return 1;
  }
  unlink(path);
  char* child_argv[] = {argv[1], "--print-times", "--after", (char*)life, NULL};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out, 1);
  for (long i = 0; i <= restarts; ++i) {
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, argv[1], &fa, NULL, child_argv, environ);
    if (rc != 0) {
      fprintf(stderr, "posix_spawn: %s\n", strerror(rc));
      return 1;
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) {
      perror("waitpid");
      return 1;
    }
  }
  posix_spawn_file_actions_destroy(&fa);

  /* exiting=T of run k, then started=T of run k+1. */
  FILE* in = fdopen(out, "r");
  if (in == NULL || fseek(in, 0, SEEK_SET) != 0) return 1;
  double* gaps = calloc((size_t)restarts + 1, sizeof *gaps);
  if (gaps == NULL) return 1;
  size_t n = 0;
  long long exiting = -1;
  char line[128];
  while (fgets(line, sizeof line, in) != NULL) {
    if (strncmp(line, "exiting=", 8) == 0) {
      exiting = atoll(line + 8);
    } else if (strncmp(line, "started=", 8) == 0) {
      if (exiting >= 0 && n <= (size_t)restarts) gaps[n++] = (double)(atoll(line + 8) - exiting) / 1e6;
      exiting = -1;
    }
  }
  fclose(in);
  if (n == 0) {
    fprintf(stderr, "no samples\n");
    return 1;
  }
  qsort(gaps, n, sizeof *gaps, by_value);
  printf("bare loop (waitpid, posix_spawn) over %zu restarts (child lives %s ms)\n", n, life);
  printf("%-12s n=%zu  median %.3f ms  p90 %.3f ms  p99 %.3f ms  min %.3f  max %.3f\n",
         "exit->main", n, pct(gaps, n, 0.5), pct(gaps, n, 0.9), pct(gaps, n, 0.99), gaps[0],
         gaps[n - 1]);
  free(gaps);
  return 0;
}
