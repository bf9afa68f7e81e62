/* SPDX-License-Identifier: GPL-3.0-or-later
 * Unit tests for app/core/iot-secret.[ch]: bounded, wiped, and core dumps
 * off exactly while a secret is alive.
 */
#include "config.h"

#include "tests/unit/test-util.h"

#include "app/core/iot-secret.h"

#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

static void
test_append_backspace (void)
{
  g_autoptr (IotSecret) s = iot_secret_new ();
  g_assert_true (iot_secret_is_empty (s));
  g_assert_true (iot_secret_append (s, "pa", 2));
  g_assert_true (iot_secret_append_unichar (s, 0x00DF)); /* ß, two bytes */
  g_assert_cmpstr (iot_secret_get (s), ==, "pa\xC3\x9F");
  iot_secret_backspace (s);
  g_assert_cmpstr (iot_secret_get (s), ==, "pa");
  g_assert_cmpuint (iot_secret_len (s), ==, 2);
  iot_secret_backspace (s);
  iot_secret_backspace (s);
  iot_secret_backspace (s);
  g_assert_true (iot_secret_is_empty (s));
  g_assert_cmpstr (iot_secret_get (s), ==, "");
}

static void
test_bounded (void)
{
  char big[IOT_SECRET_MAX + 2];
  memset (big, 'x', sizeof big);
  big[sizeof big - 1] = '\0';
  g_assert_null (iot_secret_new_from (big, -1));
  g_autoptr (IotSecret) s = iot_secret_new_from (big, IOT_SECRET_MAX);
  g_assert_nonnull (s);
  g_assert_cmpuint (iot_secret_len (s), ==, IOT_SECRET_MAX);
  g_assert_false (iot_secret_append (s, "y", 1));
  g_assert_cmpuint (iot_secret_len (s), ==, IOT_SECRET_MAX);
}

static void
test_equal_and_wipe_all (void)
{
  g_autoptr (IotSecret) a = iot_secret_new_from ("correct horse", -1);
  g_autoptr (IotSecret) b = iot_secret_new_from ("correct horse", -1);
  g_autoptr (IotSecret) c = iot_secret_new_from ("correct horsf", -1);
  g_assert_true (iot_secret_equal (a, b));
  g_assert_false (iot_secret_equal (a, c));
  g_autoptr (IotSecret) d = iot_secret_copy (a);
  g_assert_true (iot_secret_equal (a, d));
  g_assert_true (iot_secret_get (d) != iot_secret_get (a));
  const char *bytes = iot_secret_get (a);
  iot_secret_wipe_all ();
  g_assert_true (iot_secret_is_empty (a) && iot_secret_is_empty (b) && iot_secret_is_empty (c));
  /* The same page, now all zero where the text was. */
  for (gsize i = 0; i < strlen ("correct horse"); i++)
    g_assert_cmpint (bytes[i], ==, 0);
}

/* Off from the first secret on, and still off once every secret is gone:
 * the libraries a password went through may still hold copies. */
static void
test_no_core_from_first_secret (void)
{
  g_assert_cmpuint (iot_secret_count_live (), ==, 0);
  IotSecret *one = iot_secret_new_from ("x", -1);
  IotSecret *two = iot_secret_new_from ("y", -1);
  struct rlimit during;
  g_assert_cmpint (getrlimit (RLIMIT_CORE, &during), ==, 0);
  g_assert_cmpuint (during.rlim_cur, ==, 0);
  g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 0);
  g_assert_cmpuint (iot_secret_count_live (), ==, 2);

  iot_secret_free (one);
  g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 0);
  iot_secret_free (two);
  struct rlimit after;
  g_assert_cmpint (getrlimit (RLIMIT_CORE, &after), ==, 0);
  g_assert_cmpuint (after.rlim_cur, ==, 0);
  g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 0);
  g_assert_cmpuint (iot_secret_count_live (), ==, 0);
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/secret/append-backspace", test_append_backspace);
  g_test_add_func ("/secret/bounded", test_bounded);
  g_test_add_func ("/secret/equal-wipe-all", test_equal_and_wipe_all);
  g_test_add_func ("/secret/no-core-from-first-secret", test_no_core_from_first_secret);
  int status = g_test_run ();
  g_free (argv);
  return status;
}
