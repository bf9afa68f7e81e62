/* SPDX-License-Identifier: GPL-3.0-or-later
 * Unit tests for app/core/iot-config.[ch]: defaults, the shipped file, and
 * errors that name the file, the line and the key.
 */
#include "config.h"

#include "tests/unit/test-util.h"

#include "app/core/iot-config.h"

#include <glib/gstdio.h>
#include <string.h>

static const char *const default_types[] = {
  "_http._tcp",       "_https._tcp",   "_shelly._tcp",         "_hap._tcp",  "_matterc._udp",
  "_matter._tcp",     "_esphomelib._tcp", "_ipp._tcp",         "_ipps._tcp", "_printer._tcp",
  "_rtsp._tcp",       "_mqtt._tcp",    "_ssh._tcp",            "_googlecast._tcp",
  "_airplay._tcp",    "_hue._tcp",     "_home-assistant._tcp", NULL,
};

/* Asserts that two configurations are equal in every field. */
static void
assert_config_equal (const IotConfig *a, const IotConfig *b)
{
  g_assert_nonnull (a->service_types);
  g_assert_nonnull (b->service_types);
  g_assert_cmpuint (g_strv_length (a->service_types), ==, g_strv_length (b->service_types));
  for (guint i = 0; a->service_types[i]; i++)
    g_assert_cmpstr (a->service_types[i], ==, b->service_types[i]);
  g_assert_cmpint (a->browse_all_types, ==, b->browse_all_types);
  g_assert_cmpfloat (a->scan_timeout, ==, b->scan_timeout);
  g_assert_cmpfloat (a->resolve_timeout, ==, b->resolve_timeout);
  g_assert_cmpint (a->remember_devices, ==, b->remember_devices);
  g_assert_cmpint (a->ui_color, ==, b->ui_color);
  g_assert_cmpint (a->ui_show_ipv6, ==, b->ui_show_ipv6);
  g_assert_cmpfloat (a->join_timeout, ==, b->join_timeout);
  g_assert_cmpfloat (a->auto_return, ==, b->auto_return);
  g_assert_cmpfloat (a->password_reveal_seconds, ==, b->password_reveal_seconds);
  g_assert_cmpint (a->kiosk, ==, b->kiosk);
  g_assert_cmpstr (a->kiosk_shop_name, ==, b->kiosk_shop_name);
  g_assert_cmpstr (a->kiosk_greeting, ==, b->kiosk_greeting);
  g_assert_cmpstr (a->kiosk_language, ==, b->kiosk_language);
  g_assert_cmpfloat (a->kiosk_idle_timeout, ==, b->kiosk_idle_timeout);
  g_assert_cmpfloat (a->kiosk_countdown, ==, b->kiosk_countdown);
  g_assert_cmpfloat (a->kiosk_receipt_timeout, ==, b->kiosk_receipt_timeout);
  g_assert_cmpstr (a->kiosk_pin_hash, ==, b->kiosk_pin_hash);
  g_assert_cmpstr (a->kiosk_receipt_dir, ==, b->kiosk_receipt_dir);
  g_assert_cmpuint (g_strv_length (a->kiosk_receipt_command), ==,
                    g_strv_length (b->kiosk_receipt_command));
  for (guint i = 0; a->kiosk_receipt_command[i]; i++)
    g_assert_cmpstr (a->kiosk_receipt_command[i], ==, b->kiosk_receipt_command[i]);
  g_assert_cmpstr (a->kiosk_guidance_url, ==, b->kiosk_guidance_url);
}

static void
set_string (char **field, const char *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

/* Sets every field of @c to something that is not its default. */
static void
perturb (IotConfig *c)
{
  g_strfreev (c->service_types);
  c->service_types = g_strsplit ("_perturbed._tcp", ",", -1);
  c->browse_all_types = !c->browse_all_types;
  c->scan_timeout = 42.5;
  c->resolve_timeout = 17.25;
  c->remember_devices = !c->remember_devices;
  c->ui_color = !c->ui_color;
  c->ui_show_ipv6 = !c->ui_show_ipv6;
  c->join_timeout = 7;
  c->auto_return = 99;
  c->password_reveal_seconds = 7.5;
  c->kiosk = !c->kiosk;
  set_string (&c->kiosk_shop_name, "Perturbed Shop");
  set_string (&c->kiosk_greeting, "Hello");
  set_string (&c->kiosk_language, "de");
  c->kiosk_idle_timeout = 33;
  c->kiosk_countdown = 4;
  c->kiosk_receipt_timeout = 9;
  set_string (&c->kiosk_pin_hash, "$y$j9T$perturbed$x");
  set_string (&c->kiosk_receipt_dir, "/tmp/perturbed");
  g_strfreev (c->kiosk_receipt_command);
  c->kiosk_receipt_command = g_strsplit ("/bin/cat", " ", -1);
  set_string (&c->kiosk_guidance_url, "https://example.org/perturbed");
}

static IotConfig *
config_copy (const IotConfig *c)
{
  return iot_config_copy (c);
}

/* A temporary directory for the files of one test. */
typedef struct
{
  char *dir;
  GPtrArray *files;
} TmpDir;

static void
tmp_init (TmpDir *t)
{
  g_autoptr (GError) error = NULL;
  t->dir = g_dir_make_tmp ("iotsetup-config-XXXXXX", &error);
  g_assert_no_error (error);
  t->files = g_ptr_array_new_with_free_func (g_free);
}

static char *
tmp_write (TmpDir *t, const char *name, const char *text)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (t->dir, name, NULL);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  g_ptr_array_add (t->files, g_strdup (path));
  return path;
}

static void
tmp_clear (TmpDir *t)
{
  for (guint i = 0; i < t->files->len; i++)
    g_unlink (t->files->pdata[i]);
  g_assert_cmpint (g_rmdir (t->dir), ==, 0);
  g_ptr_array_unref (t->files);
  g_free (t->dir);
}

/* Loads @text from a file and asserts it fails with @code, at @line (or at
 * @alt_line when that is not 0), with a message naming the file, the line
 * and @key; and that the config is as it was. Returns FALSE, after marking
 * the test failed, when only the line number is wrong. */
static gboolean
assert_file_error_at (TmpDir *t, const char *text, IotConfigError code, int line, int alt_line,
                      const char *key)
{
  gboolean line_ok = TRUE;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = tmp_write (t, "bad.conf", text);
  g_autoptr (IotConfig) c = iot_config_new ();
  perturb (c);
  g_autoptr (IotConfig) before = config_copy (c);

  g_assert_false (iot_config_load_file (c, path, &error));
  g_assert_error (error, IOT_CONFIG_ERROR, (gint) code);
  g_autofree char *where = g_strdup_printf ("%s:%d:", path, line);
  g_autofree char *alt_where = g_strdup_printf ("%s:%d:", path, alt_line);
  g_assert_true (g_str_has_prefix (error->message, path));
  if (!g_str_has_prefix (error->message, where) &&
      !(alt_line != 0 && g_str_has_prefix (error->message, alt_where)))
    {
      g_test_message ("expected \"%s\" at the start of \"%s\" for:\n%s", where, error->message,
                      text);
      g_test_fail ();
      line_ok = FALSE;
    }
  if (key != NULL && strstr (error->message, key) == NULL)
    g_error ("expected \"%s\" in \"%s\"", key, error->message);
  assert_config_equal (c, before);

  /* The same from a string: "<string>" instead of the file name. */
  g_clear_error (&error);
  g_assert_false (iot_config_load_string (c, text, &error));
  g_assert_error (error, IOT_CONFIG_ERROR, (gint) code);
  g_autofree char *swhere = g_strdup_printf ("<string>:%d:", line);
  g_autofree char *alt_swhere = g_strdup_printf ("<string>:%d:", alt_line);
  g_assert_true (g_str_has_prefix (error->message, "<string>:"));
  if (line_ok && !g_str_has_prefix (error->message, swhere) &&
      !(alt_line != 0 && g_str_has_prefix (error->message, alt_swhere)))
    {
      g_test_message ("expected \"%s\" at the start of \"%s\"", swhere, error->message);
      g_test_fail ();
      line_ok = FALSE;
    }
  if (key != NULL)
    g_assert_nonnull (strstr (error->message, key));
  assert_config_equal (c, before);
  return line_ok;
}

static gboolean
assert_file_error (TmpDir *t, const char *text, IotConfigError code, int line, const char *key)
{
  return assert_file_error_at (t, text, code, line, 0, key);
}

static void
test_defaults (void)
{
  g_autoptr (IotConfig) c = iot_config_new ();
  g_assert_nonnull (c->service_types);
  g_assert_cmpuint (g_strv_length (c->service_types), ==, g_strv_length ((char **) default_types));
  for (guint i = 0; default_types[i]; i++)
    g_assert_cmpstr (c->service_types[i], ==, default_types[i]);
  g_assert_false (c->browse_all_types);
  g_assert_cmpfloat (c->scan_timeout, ==, 5.0);
  g_assert_cmpfloat (c->resolve_timeout, ==, 5.0);
  g_assert_true (c->remember_devices);
  g_assert_true (c->ui_color);
  g_assert_true (c->ui_show_ipv6);

  /* Two configs do not share storage. */
  g_autoptr (IotConfig) d = iot_config_new ();
  g_assert_true (c->service_types != d->service_types);
  g_assert_true (c->service_types[0] != d->service_types[0]);

  /* An empty file or string changes nothing. */
  g_autoptr (GError) error = NULL;
  g_assert_true (iot_config_load_string (d, "", &error));
  g_assert_no_error (error);
  g_assert_true (iot_config_load_string (d, "# only a comment\n", &error));
  g_assert_no_error (error);
  assert_config_equal (c, d);
}

static void
test_shipped_file (void)
{
  g_autofree char *path = g_build_filename (SRCDIR, "data", "iotsetup.conf", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotConfig) defaults = iot_config_new ();

  g_autoptr (IotConfig) c = iot_config_new ();
  g_assert_true (iot_config_load_file (c, path, &error));
  g_assert_no_error (error);
  assert_config_equal (c, defaults);

  /* The file states every setting: loaded over a config where everything
   * differs, it still yields exactly the defaults. */
  g_autoptr (IotConfig) p = iot_config_new ();
  perturb (p);
  g_assert_true (iot_config_load_file (p, path, &error));
  g_assert_no_error (error);
  assert_config_equal (p, defaults);

  /* iot_config_load() with an explicit path reads that file. */
  g_autoptr (IotConfig) e = iot_config_new ();
  perturb (e);
  g_assert_true (iot_config_load (e, path, &error));
  g_assert_no_error (error);
  assert_config_equal (e, defaults);
}

static void
test_load_values (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotConfig) c = iot_config_new ();
  g_assert_true (iot_config_load_string (c,
                                         "discovery: {\n"
                                         "  service_types = [ \"_foo._tcp\", \"_bar-baz._udp\" ];\n"
                                         "  browse_all_types = true;\n"
                                         "  scan_timeout = 10;\n" /* an integer is a number */
                                         "  resolve_timeout = 2.5;\n"
                                         "  remember_devices = false;\n"
                                         "};\n"
                                         "ui: { color = false; show_ipv6 = false; };\n",
                                         &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (c->service_types), ==, 2);
  g_assert_cmpstr (c->service_types[0], ==, "_foo._tcp");
  g_assert_cmpstr (c->service_types[1], ==, "_bar-baz._udp");
  g_assert_true (c->browse_all_types);
  g_assert_cmpfloat (c->scan_timeout, ==, 10.0);
  g_assert_cmpfloat (c->resolve_timeout, ==, 2.5);
  g_assert_false (c->remember_devices);
  g_assert_false (c->ui_color);
  g_assert_false (c->ui_show_ipv6);

  /* A partial file changes only what it names; later loads override. */
  g_assert_true (iot_config_load_string (c, "ui: { color = true; };", &error));
  g_assert_no_error (error);
  g_assert_true (c->ui_color);
  g_assert_false (c->ui_show_ipv6);
  g_assert_cmpfloat (c->scan_timeout, ==, 10.0);
  g_assert_cmpuint (g_strv_length (c->service_types), ==, 2);

  /* A list ( ... ) works as well as an array [ ... ]; an empty one is allowed. */
  g_assert_true (iot_config_load_string (
      c, "discovery: { service_types = ( \"_a._tcp\", \"_b._udp\", \"_c._tcp\" ); };", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (c->service_types), ==, 3);
  g_assert_cmpstr (c->service_types[2], ==, "_c._tcp");
  g_assert_true (iot_config_load_string (c, "discovery: { service_types = [ ]; };", &error));
  g_assert_no_error (error);
  g_assert_nonnull (c->service_types);
  g_assert_cmpuint (g_strv_length (c->service_types), ==, 0);

  /* Bounds are inclusive. */
  g_assert_true (iot_config_load_string (
      c, "discovery: { scan_timeout = 600; resolve_timeout = 0.1; };", &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (c->scan_timeout, ==, 600.0);
  g_assert_cmpfloat (c->resolve_timeout, ==, 0.1);
  g_assert_true (iot_config_load_string (
      c, "discovery: { scan_timeout = 0.1; resolve_timeout = 120; };", &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (c->scan_timeout, ==, 0.1);
  g_assert_cmpfloat (c->resolve_timeout, ==, 120.0);

  /* Longest valid service name: 15 characters. */
  g_assert_true (iot_config_load_string (
      c, "discovery: { service_types = [ \"_abcdefghijklmno._tcp\", \"_x._udp\" ]; };", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (c->service_types[0], ==, "_abcdefghijklmno._tcp");
}

static void
test_unknown_key (void)
{
  TmpDir t;
  tmp_init (&t);
  /* The misspelt key is on line 3. */
  assert_file_error (&t,
                     "discovery:\n"
                     "{\n"
                     "  scan_timeuot = 3.0;\n"
                     "};\n",
                     IOT_CONFIG_ERROR_UNKNOWN_KEY, 3, "discovery.scan_timeuot");
  assert_file_error (&t,
                     "# comment\n"
                     "ui: {\n"
                     "  color = true;\n"
                     "\n"
                     "  colour = false;\n"
                     "};\n",
                     IOT_CONFIG_ERROR_UNKNOWN_KEY, 5, "ui.colour");
  /* Unknown groups, and known keys in the wrong group. */
  assert_file_error (&t, "\n\nnetwork: { interface = \"eth0\"; };\n",
                     IOT_CONFIG_ERROR_UNKNOWN_KEY, 3, "network");
  assert_file_error (&t, "ui: {\n  scan_timeout = 3;\n};\n", IOT_CONFIG_ERROR_UNKNOWN_KEY, 2,
                     "ui.scan_timeout");
  assert_file_error (&t, "color = true;\n", IOT_CONFIG_ERROR_UNKNOWN_KEY, 1, "color");
  /* Nested deeper than the schema. */
  assert_file_error (&t, "ui: {\n  color = true;\n  extra: {\n    x = 1;\n  };\n};\n",
                     IOT_CONFIG_ERROR_UNKNOWN_KEY, 3, "ui.extra");

  /* The message says what is wrong. */
  g_autoptr (GError) error = NULL;
  g_autoptr (IotConfig) c = iot_config_new ();
  g_assert_false (iot_config_load_string (c, "ui: { bogus = 1; };", &error));
  g_assert_cmpstr (error->message, ==, "<string>:1: ui.bogus: unknown setting");
  tmp_clear (&t);
}

static void
test_wrong_type (void)
{
  TmpDir t;
  tmp_init (&t);
  /* A string for a number. */
  assert_file_error (&t, "discovery: {\n  browse_all_types = false;\n  scan_timeout = \"5\";\n};\n",
                     IOT_CONFIG_ERROR_TYPE, 3, "discovery.scan_timeout");
  /* A number for a boolean. */
  assert_file_error (&t, "ui:\n{\n  color = 1;\n};\n", IOT_CONFIG_ERROR_TYPE, 3, "ui.color");
  /* A string for a boolean. */
  assert_file_error (&t, "ui: { show_ipv6 = \"yes\"; };\n", IOT_CONFIG_ERROR_TYPE, 1,
                     "ui.show_ipv6");
  /* A boolean for a number. */
  assert_file_error (&t, "discovery: {\n\n  resolve_timeout = true;\n};\n", IOT_CONFIG_ERROR_TYPE,
                     3, "discovery.resolve_timeout");
  /* A list of numbers for the service types. */
  assert_file_error (&t, "discovery: {\n  service_types = [ 1, 2 ];\n};\n",
                     IOT_CONFIG_ERROR_TYPE, 2, "discovery.service_types");
  /* A mixed list: the line of the offending element, or of the list. */
  assert_file_error_at (&t,
                     "discovery: {\n"
                     "  service_types = (\n"
                     "    \"_http._tcp\",\n"
                     "    42\n"
                     "  );\n"
                     "};\n",
                     IOT_CONFIG_ERROR_TYPE, 4, 2, "discovery.service_types");
  /* A single string instead of a list. */
  assert_file_error (&t, "discovery: {\n  service_types = \"_http._tcp\";\n};\n",
                     IOT_CONFIG_ERROR_TYPE, 2, "discovery.service_types");
  /* A value where a group belongs. */
  assert_file_error (&t, "\nui = true;\n", IOT_CONFIG_ERROR_TYPE, 2, "ui");

  g_autoptr (GError) error = NULL;
  g_autoptr (IotConfig) c = iot_config_new ();
  g_assert_false (iot_config_load_string (c, "ui: { color = 1; };", &error));
  g_assert_cmpstr (error->message, ==, "<string>:1: ui.color: must be true or false");
  tmp_clear (&t);
}

static void
test_bad_value (void)
{
  TmpDir t;
  tmp_init (&t);
  static const char *const out_of_range[] = {
    "scan_timeout = 0;",       "scan_timeout = 0.05;", "scan_timeout = -1;",
    "scan_timeout = 600.5;",   "scan_timeout = 100000;", "resolve_timeout = 121;",
    "resolve_timeout = 0.0;",  "scan_timeout = 9999999999L;",
  };
  for (guint i = 0; i < G_N_ELEMENTS (out_of_range); i++)
    {
      g_autofree char *text = g_strdup_printf ("discovery:\n{\n  %s\n};\n", out_of_range[i]);
      g_autofree char *key = g_strconcat ("discovery.", out_of_range[i], NULL);
      *strchr (key, ' ') = '\0';
      assert_file_error (&t, text, IOT_CONFIG_ERROR_VALUE, 3, key);
    }

  static const char *const bad_types[] = {
    "_http.tcp", "http._tcp", "_http._sctp", "_._tcp",  "_-http._tcp", "_http-._tcp",
    "_abcdefghijklmnop._tcp" /* 16 */, "_http._tcp ", " _http._tcp", "_ht tp._tcp",
    "_http._tcp\\n_x._tcp", "", "_http._tcp._tcp", "_h\xC3\xBC._tcp",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad_types); i++)
    {
      /* The bad element on line 4, in the middle of a line of the list. */
      g_autofree char *text = g_strdup_printf ("discovery:\n{\n  service_types = [\n"
                                               "    \"_ok._tcp\", \"%s\", \"_ok2._tcp\"\n"
                                               "  ];\n};\n",
                                               bad_types[i]);
      assert_file_error_at (&t, text, IOT_CONFIG_ERROR_VALUE, 4, 3, "discovery.service_types");
    }

  g_autoptr (GError) error = NULL;
  g_autoptr (IotConfig) c = iot_config_new ();
  g_assert_false (
      iot_config_load_string (c, "discovery: { service_types = [\"_http.tcp\"]; };", &error));
  g_assert_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_VALUE);
  g_assert_nonnull (strstr (error->message, "_http.tcp"));
  g_clear_error (&error);
  /* A bad value is quoted sanitized: escape sequences and bytes that are not
   * UTF-8 never reach the terminal through the message (found by
   * tests/fuzz/fuzz-config, seed escaped-service-type). */
  g_assert_false (iot_config_load_string (
      c, "discovery: { service_types = [\"\\x1b[2J\xff_evil._tcp\"]; };", &error));
  g_assert_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_VALUE);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_null (strchr (error->message, '\x1b'));
  g_assert_nonnull (strstr (error->message, "\xe2\x90\x9b[2J\xef\xbf\xbd_evil._tcp"));
  g_clear_error (&error);
  g_assert_false (iot_config_load_string (c, "discovery: { scan_timeout = 0; };", &error));
  g_assert_cmpstr (error->message, ==,
                   "<string>:1: discovery.scan_timeout: must be between 0.1 and 600");
  tmp_clear (&t);
}

/* The last element of a list spread over lines, as in the shipped file: the
 * error names the element's line or the list's, not the line after. */
static void
test_bad_value_line (void)
{
  TmpDir t;
  tmp_init (&t);
  assert_file_error_at (&t,
                        "discovery:\n"
                        "{\n"
                        "  service_types = [\n"
                        "    \"_ok._tcp\",\n"
                        "    \"_http.tcp\"\n"
                        "  ];\n"
                        "};\n",
                        IOT_CONFIG_ERROR_VALUE, 5, 3, "discovery.service_types");
  tmp_clear (&t);
}

/* A service type with a trailing newline is not a service type (a regex "$"
 * that also matches before a final newline must not let it through). */
static void
test_bad_value_newline (void)
{
  static const char *const texts[] = {
    "discovery: { service_types = [ \"_http._tcp\\n\" ]; };",
    "discovery: { service_types = [ \"_ok._tcp\", \"_ipp._tcp\\n\" ]; };",
  };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (IotConfig) c = iot_config_new ();
      g_autoptr (IotConfig) before = config_copy (c);
      if (iot_config_load_string (c, texts[i], &error))
        {
          g_autofree char *last = g_strescape (c->service_types[g_strv_length (c->service_types) - 1], NULL);
          g_test_message ("accepted \"%s\" as a service type", last);
          g_test_fail ();
          continue;
        }
      g_assert_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_VALUE);
      g_assert_nonnull (strstr (error->message, "discovery.service_types"));
      assert_config_equal (c, before);
    }
}

static void
test_parse_error (void)
{
  TmpDir t;
  tmp_init (&t);
  assert_file_error (&t, "discovery:\n{\n  browse_all_types = true;\n  scan_timeout = ;\n};\n",
                     IOT_CONFIG_ERROR_PARSE, 4, NULL);
  assert_file_error (&t, "ui: {\n  color = = true;\n};\n", IOT_CONFIG_ERROR_PARSE, 2, NULL);
  assert_file_error (&t, "# c\n# c\n# c\nui: {\n  show_ipv6 = true;\n  color = yes;\n};\n",
                     IOT_CONFIG_ERROR_PARSE, 6, NULL);
  assert_file_error (&t, "\n\ndiscovery: {\n  service_types = [ \"_a._tcp\", ];\n};\n",
                     IOT_CONFIG_ERROR_PARSE, 4, NULL);
  /* An array mixing types. */
  assert_file_error (&t, "discovery: {\n  service_types = [ \"_a._tcp\", 1 ];\n};\n",
                     IOT_CONFIG_ERROR_PARSE, 2, NULL);
  /* A group that is never closed: the error is at the end of the file. */
  assert_file_error (&t, "ui: {\n  color = true;\n", IOT_CONFIG_ERROR_PARSE, 3, NULL);
  /* A duplicate setting is refused by the parser. */
  assert_file_error (&t, "ui: {\n  color = true;\n  color = false;\n};\n", IOT_CONFIG_ERROR_PARSE,
                     3, NULL);
  tmp_clear (&t);
}

/* A file that is wrong anywhere changes nothing, even the settings before
 * the error. */
static void
test_failed_load_unchanged (void)
{
  TmpDir t;
  tmp_init (&t);
  static const char *const bad[] = {
    /* valid settings first, then an unknown key */
    "discovery: {\n"
    "  service_types = [ \"_x._tcp\" ];\n"
    "  browse_all_types = true;\n"
    "  scan_timeout = 9;\n"
    "  resolve_timeout = 9;\n"
    "  remember_devices = false;\n"
    "};\n"
    "ui: { color = false; show_ipv6 = false; nope = 1; };\n",
    /* ... then a wrong type */
    "ui: { color = false; show_ipv6 = false; };\n"
    "discovery: { service_types = [ \"_x._tcp\" ]; scan_timeout = \"9\"; };\n",
    /* ... then a bad value */
    "ui: { color = false; };\n"
    "discovery: { scan_timeout = 9; service_types = [ \"_x._tcp\", \"_bad\" ]; };\n",
    /* ... then a syntax error */
    "ui: { color = false; };\n"
    "discovery: { scan_timeout = 9; \n",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    for (guint start = 0; start < 2; start++)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (IotConfig) c = iot_config_new ();
        if (start == 1)
          perturb (c);
        g_autoptr (IotConfig) before = config_copy (c);
        char **types_before = c->service_types;

        g_assert_false (iot_config_load_string (c, bad[i], &error));
        g_assert_nonnull (error);
        assert_config_equal (c, before);
        g_clear_error (&error);

        g_autofree char *path = tmp_write (&t, "bad.conf", bad[i]);
        g_assert_false (iot_config_load_file (c, path, &error));
        g_assert_nonnull (error);
        assert_config_equal (c, before);
        g_assert_true (c->service_types == types_before);
        g_clear_error (&error);

        g_assert_false (iot_config_load (c, path, &error));
        g_assert_nonnull (error);
        assert_config_equal (c, before);
      }
  tmp_clear (&t);
}

static void
test_not_found (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotConfig) c = iot_config_new ();
  g_autoptr (IotConfig) before = config_copy (c);
  const char *missing = "/nonexistent/iotsetup-test/iotsetup.conf";

  g_assert_false (iot_config_load_file (c, missing, &error));
  g_assert_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  /* An explicit --config file must exist. */
  g_assert_false (iot_config_load (c, missing, &error));
  g_assert_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A directory is not a configuration file. */
  TmpDir t;
  tmp_init (&t);
  g_assert_false (iot_config_load_file (c, t.dir, &error));
  g_assert_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_NOT_FOUND);
  tmp_clear (&t);
  assert_config_equal (c, before);
}

/* Without an explicit path, the user's file is read (the test runs with
 * isolated XDG directories). */
static void
test_user_file (void)
{
  g_autofree char *system_path = iot_config_system_path ();
  if (g_file_test (system_path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("a system configuration file exists on this machine");
      return;
    }
  g_autofree char *user_path = iot_config_user_path ();
  g_assert_true (g_str_has_prefix (user_path, g_get_user_config_dir ()));
  g_assert_true (g_str_has_suffix (user_path, "/iotsetup/iotsetup.conf"));
  g_assert_true (g_str_has_suffix (system_path, "/iotsetup/iotsetup.conf"));

  g_autoptr (GError) error = NULL;
  /* No file at all: the defaults. */
  g_autoptr (IotConfig) c = iot_config_new ();
  g_autoptr (IotConfig) defaults = iot_config_new ();
  g_assert_true (iot_config_load (c, NULL, &error));
  g_assert_no_error (error);
  assert_config_equal (c, defaults);

  g_autofree char *dir = g_path_get_dirname (user_path);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (user_path, "ui: { color = false; };\n", -1, &error));
  g_assert_no_error (error);
  g_assert_true (iot_config_load (c, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (c->ui_color);
  g_assert_true (c->ui_show_ipv6);

  /* An error in the user's file is reported with its path. */
  g_assert_true (g_file_set_contents (user_path, "ui: {\n  colour = false;\n};\n", -1, &error));
  g_autoptr (IotConfig) d = iot_config_new ();
  g_assert_false (iot_config_load (d, NULL, &error));
  g_assert_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_UNKNOWN_KEY);
  g_autofree char *where = g_strdup_printf ("%s:2:", user_path);
  g_assert_true (g_str_has_prefix (error->message, where));
  assert_config_equal (d, defaults);

  g_unlink (user_path);
}

/* The kiosk group: values land, bad ones are refused with the key named,
 * and kiosk mode never remembers devices. */
static void
test_kiosk (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotConfig) c = iot_config_new ();
  g_assert_false (c->kiosk);
  g_assert_true (iot_config_load_string (
    c,
    "kiosk: { enabled = true; shop_name = \"Corner Shop\"; language = \"fr\";\n"
    "  idle_timeout = 30; countdown = 5; pin_hash = \"$y$j9T$abc$def\";\n"
    "  receipt_dir = \"/var/spool/x\"; receipt_command = [ \"/usr/bin/lp\", \"-d\", \"p1\" ];\n"
    "  receipt_timeout = 12.5;\n"
    "  guidance_url = \"https://example.org/{lang}/\"; };\n",
    &error));
  g_assert_no_error (error);
  g_assert_true (c->kiosk);
  g_assert_cmpstr (c->kiosk_shop_name, ==, "Corner Shop");
  g_assert_cmpstr (c->kiosk_language, ==, "fr");
  g_assert_cmpfloat (c->kiosk_idle_timeout, ==, 30);
  g_assert_cmpstr (c->kiosk_receipt_command[2], ==, "p1");
  g_assert_cmpfloat (c->kiosk_receipt_timeout, ==, 12.5);
  g_assert_true (c->remember_devices);
  iot_config_force_kiosk (c);
  g_assert_true (c->kiosk);
  g_assert_false (c->remember_devices);

  static const char *const bad[][2] = {
    { "kiosk: { pin_hash = \"1234\"; };", "kiosk.pin_hash" },
    { "kiosk: { pin_hash = \"$6$salt$abc\"; };", "kiosk.pin_hash" },
    { "kiosk: { language = \"xx\"; };", "kiosk.language" },
    { "kiosk: { receipt_dir = \"spool\"; };", "kiosk.receipt_dir" },
    { "kiosk: { receipt_command = [ \"lp\" ]; };", "kiosk.receipt_command" },
    { "kiosk: { guidance_url = \"javascript:alert(1)\"; };", "kiosk.guidance_url" },
    { "kiosk: { shop_name = \"a\\x1b[2Jb\"; };", "kiosk.shop_name" },
    { "kiosk: { idle_timeout = 1; };", "kiosk.idle_timeout" },
    { "kiosk: { shop_name = 3; };", "kiosk.shop_name" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (IotConfig) d = iot_config_new ();
      g_autoptr (IotConfig) before = iot_config_copy (d);
      g_clear_error (&error);
      g_assert_false (iot_config_load_string (d, bad[i][0], &error));
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, bad[i][1]));
      assert_config_equal (d, before);
    }
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, TRUE);
  g_test_add_func ("/config/defaults", test_defaults);
  g_test_add_func ("/config/shipped-file", test_shipped_file);
  g_test_add_func ("/config/load-values", test_load_values);
  g_test_add_func ("/config/unknown-key", test_unknown_key);
  g_test_add_func ("/config/wrong-type", test_wrong_type);
  g_test_add_func ("/config/bad-value", test_bad_value);
  g_test_add_func ("/config/bad-value-line", test_bad_value_line);
  g_test_add_func ("/config/bad-value-newline", test_bad_value_newline);
  g_test_add_func ("/config/parse-error", test_parse_error);
  g_test_add_func ("/config/failed-load-unchanged", test_failed_load_unchanged);
  g_test_add_func ("/config/not-found", test_not_found);
  g_test_add_func ("/config/user-file", test_user_file);
  g_test_add_func ("/config/kiosk", test_kiosk);
  int ret = g_test_run ();
  g_free (argv);
  return ret;
}
