/* SPDX-License-Identifier: GPL-3.0-or-later
 * Timing probes for benchmarks: when IOTSETUP_TRACE names a file, milestones
 * ("first-device", "all-resolved", …) are appended to it with a
 * CLOCK_MONOTONIC timestamp in microseconds, with what the keys did and
 * when the main loop stalled (iot_trace_watch_loop), for the tests to show
 * when a key seems lost. Never pass secrets.
 */
#pragma once

#include <glib.h>

void iot_trace (const char *event, const char *format, ...) G_GNUC_PRINTF (2, 3);
guint iot_trace_watch_loop (void);
