/* SPDX-License-Identifier: GPL-3.0-or-later
 * The languages the assistant speaks, each named in its own language for the
 * picker, which one gettext is using now, and switching to another while the
 * program runs (the next redraw is in the new language). UI-free.
 */
#pragma once

#include <glib.h>

#define IOT_LANGUAGE_ERROR (iot_language_error_quark ())

typedef enum
{
  IOT_LANGUAGE_ERROR_UNKNOWN,   /* not one of iot_language_list() */
  IOT_LANGUAGE_ERROR_NO_LOCALE, /* no locale in which gettext would translate */
} IotLanguageError;

typedef struct
{
  const char *code;        /* catalog name: "de", "zh_CN"; "en" for the untranslated texts */
  const char *native_name; /* in the language itself: "Deutsch", "日本語" */
  const char *ascii_name;  /* romanized, for a terminal without UTF-8: "Nihongo" */
  const char *locale;      /* a locale of the language, tried when no other is usable */
} IotLanguage;

GQuark iot_language_error_quark (void);
const IotLanguage *iot_language_list (guint *n_languages);
const IotLanguage *iot_language_find (const char *code);
const IotLanguage *iot_language_resolve (const char *language_env, const char *messages_locale);
const IotLanguage *iot_language_get_current (void);
gboolean iot_language_apply (const char *code, GError **error);
