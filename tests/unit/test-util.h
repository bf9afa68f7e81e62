/* SPDX-License-Identifier: GPL-3.0-or-later
 * Shared start-up for the GTest programs: keep going after a case that
 * called g_test_fail(), so every case reports (fatal assertions still stop).
 */
#pragma once

#include <glib.h>
#include <string.h>

static inline void
iot_test_init (int *argc, char ***argv, gboolean isolate_dirs)
{
  char **args = g_new0 (char *, *argc + 2); /* main () frees it after g_test_run () */
  memcpy (args, *argv, sizeof (char *) * *argc);
  args[(*argc)++] = (char *) "--keep-going";
  *argv = args;
  if (isolate_dirs)
    g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  else
    g_test_init (argc, argv, NULL);
}
