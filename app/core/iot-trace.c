/* SPDX-License-Identifier: GPL-3.0-or-later
 * Benchmark milestones, and what the terminal's keys did (the TUI tests keep
 * a trace of every run, to show it when a key seems to have been lost).
 * Never a typed character: it may belong to a password. Off (one getenv)
 * unless IOTSETUP_TRACE is set; the clock is the system-wide monotonic one,
 * so a benchmark script can compare it with the time it launched the
 * program.
 */
#include "config.h"

#include "iot-trace.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int
trace_fd (void)
{
  static int fd = -2;
  if (fd == -2)
    {
      const char *path = g_getenv ("IOTSETUP_TRACE");
      fd = path && *path ? open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) : -1;
    }
  return fd;
}

void
iot_trace (const char *event, const char *format, ...)
{
  int fd = trace_fd ();
  if (fd < 0)
    return;
  va_list ap;
  va_start (ap, format);
  g_autofree char *detail = format ? g_strdup_vprintf (format, ap) : g_strdup ("");
  va_end (ap);
  g_autofree char *line =
      g_strdup_printf ("%" G_GINT64_FORMAT " %s %s\n", g_get_monotonic_time (), event, detail);
  (void) !write (fd, line, strlen (line)); /* a trace that cannot be written is no trace */
}

#define WATCH_MS 100
#define STALL_MS 300

static gboolean
watch_cb (gpointer data)
{
  gint64 *last = data, now = g_get_monotonic_time ();
  if (now - *last > STALL_MS * 1000)
    iot_trace ("stall", "the main loop ran nothing for %" G_GINT64_FORMAT " ms", (now - *last) / 1000);
  *last = now;
  return G_SOURCE_CONTINUE;
}

/* When tracing, a timer on the default main loop that traces each stretch of
 * more than STALL_MS in which the loop ran nothing (a blocking call, or a
 * process starved of CPU). Returns: its source id, or 0 when not tracing. */
guint
iot_trace_watch_loop (void)
{
  if (trace_fd () < 0)
    return 0;
  gint64 *last = g_new (gint64, 1);
  *last = g_get_monotonic_time ();
  return g_timeout_add_full (G_PRIORITY_DEFAULT, WATCH_MS, watch_cb, last, g_free);
}
