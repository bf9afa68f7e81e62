/* SPDX-License-Identifier: GPL-3.0-or-later
 * Switching the language of a running assistant. gettext offers no call for
 * it: the language comes from the environment and the locale. LANGUAGE picks
 * the catalog without needing the language's own locale to be generated
 * (kiosk machines often have only C.UTF-8), so a switch sets LANGUAGE, makes
 * sure the messages locale is not "C" (where gettext ignores LANGUAGE), and
 * makes gettext forget the translations it has cached.
 */
#include "config.h"

#include "iot-language.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#ifdef HAVE_NL_MSG_CAT_CNTR
/* GNU gettext's catalog generation counter: every cached translation carries
 * the value it had when it was looked up, and only a current one is used.
 * The GNU gettext manual documents incrementing it after changing LANGUAGE. */
extern int _nl_msg_cat_cntr;
#endif

/* English first (the texts as written), then the order of the issue that
 * asked for the picker; locale/LINGUAS must list every other code (the unit
 * test checks). */
static const IotLanguage languages[] = {
  { "en", "English", "English", "en_US.UTF-8" },
  { "de", "Deutsch", "Deutsch", "de_DE.UTF-8" },
  { "fr", "Français", "Francais", "fr_FR.UTF-8" },
  { "es", "Español", "Espanol", "es_ES.UTF-8" },
  { "pl", "Polski", "Polski", "pl_PL.UTF-8" },
  { "ru", "Русский", "Russkiy", "ru_RU.UTF-8" },
  { "uk", "Українська", "Ukrainska", "uk_UA.UTF-8" },
  { "zh_CN", "简体中文", "Jianti Zhongwen", "zh_CN.UTF-8" },
  { "ja", "日本語", "Nihongo", "ja_JP.UTF-8" },
};

#define ENGLISH (&languages[0])

G_DEFINE_QUARK (iot-language-error-quark, iot_language_error)

/* Returns: every language, English first; @n_languages gets their number. */
const IotLanguage *
iot_language_list (guint *n_languages)
{
  if (n_languages)
    *n_languages = G_N_ELEMENTS (languages);
  return languages;
}

/* Returns: (nullable): the language whose code is exactly @code. */
const IotLanguage *
iot_language_find (const char *code)
{
  for (guint i = 0; code && i < G_N_ELEMENTS (languages); i++)
    if (strcmp (languages[i].code, code) == 0)
      return &languages[i];
  return NULL;
}

static gboolean
is_c_locale (const char *name)
{
  return name == NULL || *name == '\0' || strcmp (name, "C") == 0 || strcmp (name, "POSIX") == 0;
}

/* The language with a catalog for the locale name @name
 * (language[_territory][.codeset][@modifier]), as gettext looks for one:
 * "zh_CN.UTF-8" finds zh_CN, "de_AT" finds de; "zh_TW" finds nothing, as
 * there is no zh catalog. English has no catalog, so it is never found. */
static const IotLanguage *
match_catalog (const char *name)
{
  g_autofree char *base = g_strndup (name, strcspn (name, ".@"));
  const IotLanguage *lang = iot_language_find (base);
  if (lang == NULL)
    {
      base[strcspn (base, "_")] = '\0';
      lang = iot_language_find (base);
    }
  return lang == ENGLISH ? NULL : lang;
}

/**
 * iot_language_resolve:
 * @language_env: (nullable): the value of LANGUAGE
 * @messages_locale: (nullable): the name of the LC_MESSAGES locale
 *
 * Which language gettext shows, by its own rules: LANGUAGE, a colon-separated
 * list tried in order, unless the messages locale is "C"; a "C" entry stops
 * the search; an entry without a catalog is passed over; when nothing
 * matches, the texts stay as written, in English.
 *
 * Returns: the language on screen.
 */
const IotLanguage *
iot_language_resolve (const char *language_env, const char *messages_locale)
{
  if (is_c_locale (messages_locale))
    return ENGLISH;
  const char *search = language_env && *language_env ? language_env : messages_locale;
  g_auto (GStrv) entries = g_strsplit (search, ":", -1);
  for (guint i = 0; entries[i]; i++)
    {
      if (*entries[i] == '\0')
        continue;
      if (is_c_locale (entries[i]))
        return ENGLISH;
      const IotLanguage *lang = match_catalog (entries[i]);
      if (lang)
        return lang;
    }
  return ENGLISH;
}

/* Returns: the language gettext uses now. */
const IotLanguage *
iot_language_get_current (void)
{
  return iot_language_resolve (g_getenv ("LANGUAGE"), setlocale (LC_MESSAGES, NULL));
}

/* Moves LC_MESSAGES off the "C" locale. C.UTF-8 changes nothing else that
 * gettext uses; the language's own locale and en_US are fallbacks for
 * systems without it. */
static gboolean
leave_c_messages_locale (const IotLanguage *lang)
{
  const char *candidates[] = { "C.UTF-8", "C.utf8", lang->locale, "en_US.UTF-8" };
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (setlocale (LC_MESSAGES, candidates[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* Makes gettext look every text up again. Its cache is keyed by the messages
 * locale's name, not by LANGUAGE, and setlocale() to the name a category
 * already has changes nothing (glibc returns early), so the counter is what
 * works. A gettext without it (not GNU) may keep texts it has already looked
 * up in the old language. */
static void
forget_translations (void)
{
#ifdef HAVE_NL_MSG_CAT_CNTR
  ++_nl_msg_cat_cntr;
#endif
}

/**
 * iot_language_apply:
 * @code: a code from iot_language_list()
 *
 * Switches the language at once: every text looked up from now on (with
 * _(), ngettext()) is in the new language. Changes LANGUAGE in the
 * environment, which is not thread-safe; call it from the main loop, as the
 * assistant's other threads (GLib's own) do not read the environment.
 *
 * Returns: FALSE with @error set for an unknown code, or when no locale
 * would let gettext translate.
 */
gboolean
iot_language_apply (const char *code, GError **error)
{
  g_return_val_if_fail (code != NULL, FALSE);
  const IotLanguage *lang = iot_language_find (code);
  if (lang == NULL)
    {
      g_set_error (error, IOT_LANGUAGE_ERROR, IOT_LANGUAGE_ERROR_UNKNOWN,
                   _("There are no texts in the language “%s”."), code);
      return FALSE;
    }
  /* In the "C" locale English is already what gettext shows. */
  if (lang != ENGLISH && is_c_locale (setlocale (LC_MESSAGES, NULL)) &&
      !leave_c_messages_locale (lang))
    {
      g_set_error (error, IOT_LANGUAGE_ERROR, IOT_LANGUAGE_ERROR_NO_LOCALE,
                   _("The language cannot be changed: this system has no UTF-8 locale "
                     "(such as C.UTF-8) installed."));
      return FALSE;
    }
  g_setenv ("LANGUAGE", lang->code, TRUE);
  forget_translations ();
  return TRUE;
}
