/* measure CMD [ARGS...]: runs CMD and reports, on stderr, one line
 *   measure: wall=S cpu=S rss=KiB rss_sum=KiB processes=N status=N
 * wall: fork to CMD's exit; cpu: user + system time of CMD and of every process it
 * started, orphans included (this process is their subreaper: telnet, left behind by
 * Expect, is counted); rss: the largest peak resident set among them; rss_sum: their peaks
 * added up (Expect + telnet as one job).
 *
 * Why C: a process's peak RSS (ru_maxrss) starts from what its parent had when it forked,
 * so a benchmark written in Python would report Python's 15 MB for any small program.
 * This launcher forks from a few hundred KiB. Stdout and stdin pass through untouched.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* SIGKILL to this process's own children (orphans it adopted included), read from
 * /proc/self/task/TID/children: never a wider kill. */
static void killChildren(void) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
    FILE *file = fopen(path, "r");
    if (!file) return;
    int pid;
    while (fscanf(file, "%d", &pid) == 1) if (pid > 1) kill(pid, SIGKILL);
    fclose(file);
}

static double seconds(struct timeval t) { return t.tv_sec + t.tv_usec / 1e6; }

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: measure CMD [ARGS...]\n");
        return 64;
    }
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    double start = now();
    pid_t child = fork();
    if (child < 0) { perror("measure: fork"); return 70; }
    if (child == 0) {
        execvp(argv[1], argv + 1);
        fprintf(stderr, "measure: %s: %s\n", argv[1], strerror(errno));
        _exit(127);
    }
    double wall = 0, cpu = 0;
    long rss = 0, rssSum = 0;
    int processes = 0, code = 0;
    double childEnded = 0;
    for (;;) {
        int status;
        struct rusage usage;
        /* Once CMD has ended, its leftovers get 5 s before they are killed. */
        int flags = childEnded > 0 ? WNOHANG : 0;
        pid_t pid = wait4(-1, &status, flags, &usage);
        if (pid < 0) break;                     /* ECHILD: nobody left */
        if (pid == 0) {
            if (now() - childEnded > 5) { killChildren(); childEnded = now(); }
            usleep(1000);
            continue;
        }
        processes++;
        cpu += seconds(usage.ru_utime) + seconds(usage.ru_stime);
        if (usage.ru_maxrss > rss) rss = usage.ru_maxrss;
        rssSum += usage.ru_maxrss;
        if (pid == child) {
            wall = now() - start;
            childEnded = now();
            code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
    }
    fprintf(stderr, "measure: wall=%.6f cpu=%.6f rss=%ld rss_sum=%ld processes=%d status=%d\n",
            wall, cpu, rss, rssSum, processes, code);
    return code;
}
