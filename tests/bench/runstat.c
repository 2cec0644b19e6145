// SPDX-License-Identifier: GPL-2.0
/*
 * tests/bench/runstat.c - run a command, print its wall time and peak memory.
 *
 *   runstat OUTFILE COMMAND [ARG...]
 *
 * Writes "<seconds> <peak RSS in KiB> <exit status> <user seconds>
 * <system seconds> <minor page faults>" to OUTFILE (like /usr/bin/time -f
 * '%e %M %x %U %S %R', which may not be installed; the wall time to the
 * microsecond) and returns the command's exit status.  The command's own
 * output passes through.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* 128 + signal number for a killed command, as the shell reports it. */
static int exit_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 255;
}

int main(int argc, char **argv)
{
	struct timespec t0;
	struct rusage ru;
	int wstatus, status;
	double wall;
	FILE *out;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: runstat OUTFILE COMMAND [ARG...]\n");
		return 255;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("runstat: fork");
		return 255;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "runstat: cannot run %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &wstatus, 0) < 0) {
		if (errno != EINTR) {
			perror("runstat: waitpid");
			return 255;
		}
	}
	wall = seconds_since(&t0);
	getrusage(RUSAGE_CHILDREN, &ru);
	status = exit_status(wstatus);
	out = fopen(argv[1], "w");
	if (!out) {
		perror("runstat: cannot write the result");
		return 255;
	}
	fprintf(out, "%.6f %ld %d %.6f %.6f %ld\n", wall, ru.ru_maxrss, status,
		(double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
		(double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6, ru.ru_minflt);
	if (fclose(out)) {
		perror("runstat: cannot write the result");
		return 255;
	}
	return status;
}
