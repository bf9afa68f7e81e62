/* SPDX-License-Identifier: GPL-3.0-or-later
 * Unit tests for app/core/iot-language.[ch]: the list of languages and their
 * own names, which language gettext shows for a given LANGUAGE and locale,
 * and switching at run time with the project's real catalogs, where a text
 * looked up before the switch must come back in the new language.
 */
#include "config.h"

#include "tests/unit/test-util.h"

#include "app/core/iot-language.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>

static void
test_list (void)
{
  static const struct
  {
    const char *code, *native;
  } expected[] = {
    { "en", "English" },   { "de", "Deutsch" },       { "fr", "Français" },
    { "es", "Español" },   { "pl", "Polski" },        { "ru", "Русский" },
    { "uk", "Українська" }, { "zh_CN", "简体中文" }, { "ja", "日本語" },
  };
  guint n = 0;
  const IotLanguage *all = iot_language_list (&n);
  g_assert_nonnull (all);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));
  g_assert_true (iot_language_list (NULL) == all);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpstr (all[i].code, ==, expected[i].code);
      g_assert_cmpstr (all[i].native_name, ==, expected[i].native);
      g_assert_true (g_utf8_validate (all[i].native_name, -1, NULL));
      /* The romanized name is for terminals without UTF-8: plain ASCII. */
      g_assert_cmpuint (strlen (all[i].ascii_name), >, 0);
      for (const char *p = all[i].ascii_name; *p; p++)
        g_assert_true (g_ascii_isprint (*p));
      g_assert_true (g_str_has_suffix (all[i].locale, ".UTF-8"));
      g_assert_true (iot_language_find (all[i].code) == &all[i]);
    }
}

static void
test_find (void)
{
  g_assert_null (iot_language_find (NULL));
  g_assert_null (iot_language_find (""));
  g_assert_null (iot_language_find ("xx"));
  g_assert_null (iot_language_find ("DE")); /* codes are exact */
  g_assert_null (iot_language_find ("zh"));
  g_assert_cmpstr (iot_language_find ("zh_CN")->native_name, ==, "简体中文");
}

/* Every language but English has a catalog in locale/, and every catalog is
 * offered in the picker. */
static void
test_matches_linguas (void)
{
  g_autofree char *path = g_build_filename (SRCDIR, "locale", "LINGUAS", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_autoptr (GPtrArray) linguas = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      char *hash = strchr (lines[i], '#');
      if (hash)
        *hash = '\0';
      g_auto (GStrv) words = g_strsplit_set (lines[i], " \t", -1);
      for (guint j = 0; words[j]; j++)
        if (*words[j])
          g_ptr_array_add (linguas, g_strdup (words[j]));
    }
  guint n;
  const IotLanguage *all = iot_language_list (&n);
  g_assert_cmpuint (linguas->len, ==, n - 1);
  for (guint i = 0; i < linguas->len; i++)
    g_assert_nonnull (iot_language_find (linguas->pdata[i]));
  for (guint i = 1; i < n; i++)
    g_assert_true (g_ptr_array_find_with_equal_func (linguas, all[i].code, g_str_equal, NULL));
}

static void
test_resolve (void)
{
  static const struct
  {
    const char *language, *locale, *expected;
  } cases[] = {
    /* No LANGUAGE: the messages locale decides. */
    { NULL, "de_DE.UTF-8", "de" },
    { NULL, "de_AT.UTF-8", "de" },
    { NULL, "de_DE", "de" },
    { NULL, "de", "de" },
    { NULL, "uk_UA.UTF-8", "uk" },
    { NULL, "ja_JP.eucJP", "ja" },
    { NULL, "zh_CN.GB18030", "zh_CN" },
    { NULL, "sr_RS.UTF-8@latin", "en" },
    { NULL, "zh_TW.UTF-8", "en" }, /* no zh catalog to fall back on */
    { NULL, "en_GB.UTF-8", "en" },
    { NULL, "pt_BR.UTF-8", "en" },
    { NULL, "C.UTF-8", "en" },
    { NULL, "C", "en" },
    { NULL, "POSIX", "en" },
    { NULL, NULL, "en" },
    { "", "fr_FR.UTF-8", "fr" }, /* an empty LANGUAGE counts as unset */
    /* LANGUAGE wins over the locale, in its own order... */
    { "ja", "de_DE.UTF-8", "ja" },
    { "ja", "C.UTF-8", "ja" },
    { "pl_PL:ru", "C.UTF-8", "pl" },
    { "ru:pl", "C.UTF-8", "ru" },
    /* ...passing over entries without a catalog, English among them... */
    { "pt_BR:fr_CA:de", "C.UTF-8", "fr" },
    { "en:de", "C.UTF-8", "de" },
    { "en_GB", "de_DE.UTF-8", "en" }, /* not back to the locale */
    { "::es", "C.UTF-8", "es" },
    /* ...stopping at a "C" entry... */
    { "C:de", "de_DE.UTF-8", "en" },
    /* ...but not in the "C" locale, where gettext ignores it. */
    { "de", "C", "en" },
    { "de", "POSIX", "en" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const IotLanguage *lang = iot_language_resolve (cases[i].language, cases[i].locale);
      g_assert_nonnull (lang);
      if (g_strcmp0 (lang->code, cases[i].expected) != 0)
        {
          g_test_message ("LANGUAGE=%s, LC_MESSAGES=%s: %s, expected %s",
                          cases[i].language ? cases[i].language : "(unset)",
                          cases[i].locale ? cases[i].locale : "(null)", lang->code,
                          cases[i].expected);
          g_test_fail ();
        }
    }
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* A catalog tree (<code>/LC_MESSAGES/iotsetup.mo) from the compiled
 * catalogs next to the .po files, as an install would make it. Returns NULL
 * when they are not built (a build without NLS). */
static char *
make_catalog_tree (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tree = g_dir_make_tmp ("iotsetup-locale-XXXXXX", &error);
  g_assert_no_error (error);
  guint n;
  const IotLanguage *all = iot_language_list (&n);
  for (guint i = 1; i < n; i++)
    {
      g_autofree char *gmo_name = g_strconcat (all[i].code, ".gmo", NULL);
      g_autofree char *gmo = g_build_filename (SRCDIR, "locale", gmo_name, NULL);
      g_autofree char *data = NULL;
      gsize len;
      if (!g_file_get_contents (gmo, &data, &len, NULL))
        {
          remove_tree (tree);
          return NULL;
        }
      g_autofree char *dir = g_build_filename (tree, all[i].code, "LC_MESSAGES", NULL);
      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_autofree char *mo = g_build_filename (dir, GETTEXT_PACKAGE ".mo", NULL);
      g_assert_true (g_file_set_contents (mo, data, len, NULL));
    }
  return g_steal_pointer (&tree);
}

/* Starts each switching test as a program run with LANG=C would. */
static void
reset_to_c (void)
{
  setlocale (LC_ALL, "C");
  g_unsetenv ("LANGUAGE");
}

static void
test_apply_switches_live (void)
{
  g_autofree char *tree = make_catalog_tree ();
  if (tree == NULL)
    {
      g_test_skip ("the catalogs (locale/*.gmo) are not built");
      return;
    }
  bindtextdomain (GETTEXT_PACKAGE, tree);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  reset_to_c ();

  g_assert_cmpstr (iot_language_get_current ()->code, ==, "en");
  g_assert_cmpstr (_("Quit"), ==, "Quit");
  g_autoptr (GError) error = NULL;
  if (!iot_language_apply ("de", &error))
    {
      g_assert_error (error, IOT_LANGUAGE_ERROR, IOT_LANGUAGE_ERROR_NO_LOCALE);
      g_test_skip ("no UTF-8 locale on this system");
      remove_tree (tree);
      return;
    }
  /* gettext ignores LANGUAGE in the C locale, so that had to change. */
  g_assert_cmpstr (setlocale (LC_MESSAGES, NULL), !=, "C");
  g_assert_cmpstr (g_getenv ("LANGUAGE"), ==, "de");
  g_assert_cmpstr (iot_language_get_current ()->code, ==, "de");
  g_autofree char *quit_de = g_strdup (_("Quit"));
  g_autofree char *devices_de = g_strdup (ngettext ("%u device", "%u devices", 2));
  g_assert_cmpstr (quit_de, !=, "Quit");
  g_assert_cmpstr (devices_de, !=, "%u devices");

  /* The same texts again, now cached by gettext, in another language: the
   * messages locale stays as it is, so only the switch can tell gettext. */
  g_assert_true (iot_language_apply ("ja", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (iot_language_get_current ()->code, ==, "ja");
  g_autofree char *quit_ja = g_strdup (_("Quit"));
  g_assert_cmpstr (quit_ja, !=, "Quit");
  g_assert_cmpstr (quit_ja, !=, quit_de);
  g_assert_cmpstr (ngettext ("%u device", "%u devices", 2), !=, devices_de);

  /* Each catalog language in turn translates. */
  guint n;
  const IotLanguage *all = iot_language_list (&n);
  for (guint i = 1; i < n; i++)
    {
      g_assert_true (iot_language_apply (all[i].code, NULL));
      g_assert_true (iot_language_get_current () == &all[i]);
      g_assert_cmpstr (_("Devices on your network"), !=, "Devices on your network");
    }

  g_assert_true (iot_language_apply ("en", &error));
  g_assert_cmpstr (iot_language_get_current ()->code, ==, "en");
  g_assert_cmpstr (_("Quit"), ==, "Quit");
  g_assert_cmpstr (ngettext ("%u device", "%u devices", 2), ==, "%u devices");
  g_assert_true (iot_language_apply ("de", &error));
  g_assert_cmpstr (_("Quit"), ==, quit_de);

  reset_to_c ();
  remove_tree (tree);
}

static void
test_apply_unknown (void)
{
  reset_to_c ();
  g_setenv ("LANGUAGE", "fr", TRUE);
  g_autoptr (GError) error = NULL;
  g_assert_false (iot_language_apply ("xx", &error));
  g_assert_error (error, IOT_LANGUAGE_ERROR, IOT_LANGUAGE_ERROR_UNKNOWN);
  g_assert_nonnull (strstr (error->message, "xx"));
  g_clear_error (&error);
  g_assert_false (iot_language_apply ("zh", &error)); /* only zh_CN */
  g_assert_error (error, IOT_LANGUAGE_ERROR, IOT_LANGUAGE_ERROR_UNKNOWN);
  /* Nothing changed. */
  g_assert_cmpstr (g_getenv ("LANGUAGE"), ==, "fr");
  g_assert_cmpstr (setlocale (LC_MESSAGES, NULL), ==, "C");
  reset_to_c ();
}

/* English in the C locale needs no other locale: it is what C shows. */
static void
test_apply_english_in_c (void)
{
  reset_to_c ();
  g_assert_true (iot_language_apply ("en", NULL));
  g_assert_cmpstr (setlocale (LC_MESSAGES, NULL), ==, "C");
  g_assert_cmpstr (iot_language_get_current ()->code, ==, "en");
  reset_to_c ();
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/language/list", test_list);
  g_test_add_func ("/language/find", test_find);
  g_test_add_func ("/language/matches-linguas", test_matches_linguas);
  g_test_add_func ("/language/resolve", test_resolve);
  g_test_add_func ("/language/apply-switches-live", test_apply_switches_live);
  g_test_add_func ("/language/apply-unknown", test_apply_unknown);
  g_test_add_func ("/language/apply-english-in-c", test_apply_english_in_c);
  int ret = g_test_run ();
  g_free (argv);
  return ret;
}
