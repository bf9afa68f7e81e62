/* SPDX-License-Identifier: GPL-3.0-or-later
 * Runs every file of a fuzz corpus through a target's
 * LLVMFuzzerTestOneInput, so a build without libFuzzer (gcc, the sanitizer
 * build, valgrind) replays the seeds and every saved crash under
 * `make check`. Arguments are files or directories (their files, sorted).
 * Exit 0 when every input ran; a failing oracle or sanitizer aborts.
 */
#include "config.h"

#include "fuzz-common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

static gboolean
run_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  if (!g_file_get_contents (path, &contents, &len, &error))
    {
      fprintf (stderr, "replay: %s\n", error->message);
      return FALSE;
    }
  /* An exact-size copy, so a sanitizer sees a read one byte past the end. */
  guint8 *copy = malloc (len ? len : 1);
  memcpy (copy, contents, len);
  fprintf (stderr, "replay: %s (%zu bytes)\n", path, len);
  LLVMFuzzerTestOneInput (copy, len);
  free (copy);
  return TRUE;
}

int
main (int argc, char **argv)
{
  guint ran = 0;
  gboolean ok = TRUE;
  if (argc < 2)
    {
      fprintf (stderr, "usage: %s CORPUS-DIR-OR-FILE...\n", argv[0]);
      return 2;
    }
  for (int i = 1; i < argc; i++)
    {
      if (!g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          ok &= run_file (argv[i]);
          ran++;
          continue;
        }
      g_autoptr (GError) error = NULL;
      g_autoptr (GDir) dir = g_dir_open (argv[i], 0, &error);
      if (dir == NULL)
        {
          fprintf (stderr, "replay: %s\n", error->message);
          return 2;
        }
      g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      for (const char *name; (name = g_dir_read_name (dir)) != NULL;)
        if (name[0] != '.')
          g_ptr_array_add (names, g_build_filename (argv[i], name, NULL));
      g_ptr_array_sort (names, compare_names);
      for (guint j = 0; j < names->len; j++)
        {
          ok &= run_file (names->pdata[j]);
          ran++;
        }
    }
  printf ("%u\n", ran);
  return ok ? 0 : 1;
}
