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

void
iot_trace (const char *event, const char *format, ...)
{
  static int fd = -2;
  if (fd == -2)
    {
      const char *path = g_getenv ("IOTSETUP_TRACE");
      fd = path && *path ? open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) : -1;
    }
  if (fd < 0)
    return;
  va_list ap;
  va_start (ap, format);
  g_autofree char *detail = format ? g_strdup_vprintf (format, ap) : g_strdup ("");
  va_end (ap);
  g_autofree char *line =
      g_strdup_printf ("%" G_GINT64_FORMAT " %s %s\n", g_get_monotonic_time (), event, detail);
  if (write (fd, line, strlen (line)) < 0)
    fd = -1;
}
