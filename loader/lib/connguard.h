/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A guard on a small server's connections against slow clients: each
 * connection is waiting (for a request: its TLS handshake and headers,
 * or the next request of a kept-alive connection) or serving one.
 *   - Waiting lasts at most GUARD_WAIT_S, serving GUARD_SERVE_S: past
 *     that, the connection is to be closed (one header byte every 3 s
 *     keeps no slot).
 *   - At most GUARD_PER_ADDR connections per source address and
 *     GUARD_MAX in all.  At a limit, a new connection takes the place of
 *     the one that has waited longest (of that address at the address's
 *     limit); only when all are serving is it refused.  A client that
 *     sends its request at once is therefore served whatever slow
 *     connections others hold, from any address.
 * The caller accepts, tells the guard what happens, and shuts down what
 * the guard names (shutdown(2): the server then sees the end and closes
 * it, and says so with guard_closed()).  Times are seconds of
 * CLOCK_MONOTONIC, given by the caller.
 */
#ifndef VR_LIB_CONNGUARD_H
#define VR_LIB_CONNGUARD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define GUARD_PER_ADDR	4
#define GUARD_MAX	64
#define GUARD_WAIT_S	5.0
#define GUARD_SERVE_S	10.0
/* Slots: the live ones and those being closed. */
#define GUARD_SLOTS	(2 * GUARD_MAX)

struct guard_conn {
	int fd;				/* -1: a free slot */
	uint8_t family;
	uint8_t addr[16];
	bool serving;
	bool closing;			/* shut down, not closed yet */
	double since;			/* of its current state */
};

struct conn_guard {
	struct guard_conn c[GUARD_SLOTS];
};

void guard_init(struct conn_guard *g);
/*
 * A new connection FD from SA at NOW.  0: admitted, and *EVICT is a
 * connection to shut down to make room (-1: none); -EBUSY: refused
 * (every connection at the limit is serving), FD not taken.
 */
int guard_admit(struct conn_guard *g, int fd, const struct sockaddr *sa, double now, int *evict);
/* FD's request arrived / its response is done. */
void guard_serving(struct conn_guard *g, int fd, double now);
void guard_waiting(struct conn_guard *g, int fd, double now);
/* FD was closed. */
void guard_closed(struct conn_guard *g, int fd);
/* Up to MAX connections past their time at NOW into FDS (marked closing,
 * to be shut down); how many.
 */
unsigned int guard_expired(struct conn_guard *g, double now, int *fds, unsigned int max);
/* Seconds from NOW until the next connection's time is up (-1: none). */
double guard_next(const struct conn_guard *g, double now);
/* Connections not being closed: in all, or from SA's address. */
unsigned int guard_count(const struct conn_guard *g, const struct sockaddr *sa);

#endif /* VR_LIB_CONNGUARD_H */
