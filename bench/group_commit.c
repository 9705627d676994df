/* SPDX-License-Identifier: MIT */
/* How bgod's state writer makes a group of files durable (daemon/os/state_store.cpp), against
 * the way it did before, on the disk holding DIR: N files of 700 bytes (a state file's size),
 * each replaced atomically (or, with `new`, created: the files of a round are removed after
 * it, outside the timing), in ROUNDS interleaved rounds of each mode:
 *   each:   temp file, fsync, rename, for every file; one fsync of the folder
 *   syncfs: every temp file, one syncfs(2), every rename; one fsync of the folder
 * Prints one line a round and mode: milliseconds for the group and per file, and for syncfs
 * where they went (temp files written, the syncfs, the renames). The first round creates the
 * files; later ones replace them, as bgod's saves mostly do. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int stage(int dir, long i, const char* body, size_t len, int sync) {
  char tmp[64];
  snprintf(tmp, sizeof tmp, ".p%ld.json.tmp", i);
  int fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || write(fd, body, len) != (ssize_t)len || (sync && fsync(fd) != 0)) return -1;
  return close(fd);
}

static int install(int dir, long i) {
  char tmp[64], name[64];
  snprintf(tmp, sizeof tmp, ".p%ld.json.tmp", i);
  snprintf(name, sizeof name, "p%ld.json", i);
  return renameat(dir, tmp, dir, name);
}

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5 || (argc == 5 && strcmp(argv[4], "new") != 0)) {
    fprintf(stderr, "usage: %s DIR N ROUNDS [new]\n", argv[0]);
    return 2;
  }
  const long n = atol(argv[2]), rounds = atol(argv[3]);
  const int fresh = argc == 5;
  const int dir = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0 || n < 1 || rounds < 1) {
    perror(argv[1]);
    return 2;
  }
  char body[700];
  memset(body, 'x', sizeof body);
  for (long r = 0; r < rounds; ++r) {
    for (int mode = 0; mode < 2; ++mode) {
      const double t0 = now_ms();
      double staged = 0, synced = 0;
      for (long i = 0; i < n; ++i) {
        if (stage(dir, i, body, sizeof body, mode == 0) != 0 || (mode == 0 && install(dir, i))) {
          perror("write");
          return 1;
        }
      }
      if (mode == 1) {
        staged = now_ms();
        if (syncfs(dir) != 0) return perror("syncfs"), 1;
        synced = now_ms();
        for (long i = 0; i < n; ++i) {
          if (install(dir, i) != 0) return perror("rename"), 1;
        }
      }
      if (fsync(dir) != 0) return perror("fsync"), 1;
      const double ms = now_ms() - t0;
      printf("round %ld %-6s n=%ld %.1f ms, %.3f ms a file", r + 1, mode == 0 ? "each" : "syncfs",
             n, ms, ms / (double)n);
      if (mode == 1) {
        printf(" (write %.1f, syncfs %.1f, renames and folder fsync %.1f)", staged - t0,
               synced - staged, now_ms() - synced);
      }
      printf("\n");
      for (long i = 0; fresh && i < n; ++i) {
        char name[64];
        snprintf(name, sizeof name, "p%ld.json", i);
        unlinkat(dir, name, 0);
      }
    }
  }
  for (long i = 0; i < n; ++i) {
    char name[64];
    snprintf(name, sizeof name, "p%ld.json", i);
    unlinkat(dir, name, 0);
  }
  return 0;
}
