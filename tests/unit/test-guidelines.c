/* SPDX-License-Identifier: GPL-3.0-or-later
 * Tests for the guidelines data and its loader: the shipped file holds the
 * 13 guidelines with their ETSI/PSTI/CRA mapping; broken files are refused
 * with the file and line.
 */
#include "config.h"

#include "tests/unit/test-util.h"

#include "app/core/iot-config.h"
#include "app/core/iot-guidelines.h"

#include <glib/gstdio.h>

static void
test_shipped (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotGuidelines) gl = iot_guidelines_load (SRCDIR "/data/guidelines.conf", &error);
  g_assert_no_error (error);
  for (guint id = 1; id <= IOT_N_GUIDELINES; id++)
    {
      const IotGuideline *g = iot_guidelines_get (gl, id);
      g_autofree char *clause = g_strdup_printf ("5.%u", id);
      g_assert_cmpuint (g->id, ==, id);
      g_assert_cmpstr (g->etsi, ==, clause);
      g_assert_true (g->title && *g->title && g->explanation && strlen (g->explanation) > 40);
      g_assert_true (g->cra && g->cra[0]);
      /* Only passwords, vulnerability reporting and the support period are
       * PSTI duties. */
      g_assert_true ((g->psti != NULL) == (id <= 3));
    }
  g_assert_cmpstr (iot_guidelines_get (gl, 1)->key, ==, "no-default-passwords");
  g_assert_cmpstr (iot_guidelines_get (gl, 11)->cra[0], ==, "I(2)(m)");
}

static char *
write_temp (const char *text)
{
  g_autoptr (GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("guidelines-XXXXXX.conf", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* Loads @text; expects failure with @code and a message containing @needle. */
static void
expect_failure (const char *text, int code, const char *needle)
{
  g_autofree char *path = write_temp (text);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotGuidelines) gl = iot_guidelines_load (path, &error);
  g_assert_null (gl);
  g_assert_error (error, IOT_CONFIG_ERROR, code);
  if (strstr (error->message, needle) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, needle);
  g_unlink (path);
}

#define ENTRY(id) "{ id = " #id "; key = \"k\"; title = \"t\"; explanation = \"e\"; etsi = \"5.x\"; psti = \"\"; cra = [ \"I(1)\" ]; }"

static void
test_broken (void)
{
  expect_failure ("guidelines = ( " ENTRY (1) " );", IOT_CONFIG_ERROR_VALUE, "guideline 2 is missing");
  expect_failure ("guidelines = ( " ENTRY (1) ", " ENTRY (1) " );", IOT_CONFIG_ERROR_VALUE,
                  "same id");
  expect_failure ("guidelines = ( " ENTRY (14) " );", IOT_CONFIG_ERROR_VALUE, "from 1 to 13");
  expect_failure ("guidelines = (\n { id = 1; key = \"k\";\n title = 3; } );", IOT_CONFIG_ERROR_TYPE,
                  ":3: guidelines: needs a text setting “title”");
  expect_failure ("guidelines = ( { id = 1; key = \"k\"; title = \"t\"; explanation = \"e\"; etsi = \"5.1\"; psti = \"\"; cra = 1; } );",
                  IOT_CONFIG_ERROR_TYPE, "cra");
  expect_failure ("guidelines = { };", IOT_CONFIG_ERROR_TYPE, "needs a list");
  expect_failure ("guidelines = ( \n\n oops", IOT_CONFIG_ERROR_PARSE, ":3:");
  g_autoptr (GError) error = NULL;
  g_assert_null (iot_guidelines_load ("/nonexistent/guidelines.conf", &error));
  g_assert_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_NOT_FOUND);
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/guidelines/shipped", test_shipped);
  g_test_add_func ("/guidelines/broken", test_broken);
  int r = g_test_run ();
  g_free (argv);
  return r;
}
