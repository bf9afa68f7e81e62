/* SPDX-License-Identifier: GPL-3.0-or-later
 * Configuration loading. One table describes every setting: its path, type,
 * bounds and where it lands in IotConfig; validation walks the parsed tree and
 * refuses what the table does not know, so a typo never passes silently.
 */
#include "config.h"

#include "iot-config.h"

#include "iot-language.h"
#include "iot-sanitize.h"

#include <glib/gi18n.h>
#include <libconfig.h>
#include <string.h>

G_DEFINE_QUARK (iot-config-error-quark, iot_config_error)

typedef enum
{
  KIND_GROUP,
  KIND_BOOL,
  KIND_NUMBER,
  KIND_SERVICE_TYPES,
  KIND_STRING, /* checked by the entry's valid() */
  KIND_ARGV,   /* a command: a list of strings, the first an absolute path */
} Kind;

/* Returns NULL when @value is acceptable, else why not (translated). */
typedef const char *(*ValidFunc) (const char *value);

typedef struct
{
  const char *path;
  Kind kind;
  gsize offset;
  double min, max;
  ValidFunc valid;
} Schema;

/* Text a person reads on the kiosk's screen and receipt. */
static const char *
valid_text (const char *v)
{
  if (strlen (v) > 200 || !g_utf8_validate (v, -1, NULL))
    return _("must be UTF-8 text of at most 200 bytes");
  for (const char *p = v; *p; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return _("must not contain control characters");
  return NULL;
}

static const char *
valid_language (const char *v)
{
  return *v == '\0' || iot_language_find (v) ? NULL : _("is not a language the assistant has");
}

/* Only a hash, never a PIN: yescrypt ("$y$…", from iotsetup --hash-pin). */
static const char *
valid_pin_hash (const char *v)
{
  if (*v == '\0')
    return NULL;
  if (!g_str_has_prefix (v, "$y$") || strlen (v) > 200 ||
      strspn (v, "$./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != strlen (v))
    return _("must be a hash made by “iotsetup --hash-pin”");
  return NULL;
}

static const char *
valid_abs_path (const char *v)
{
  return *v == '\0' || (g_path_is_absolute (v) && valid_text (v) == NULL)
             ? NULL
             : _("must be an absolute path");
}

static const char *
valid_url (const char *v)
{
  if (*v == '\0')
    return NULL;
  if (!(g_str_has_prefix (v, "https://") || g_str_has_prefix (v, "http://")) || strlen (v) > 500 ||
      strpbrk (v, " \t\"<>\\") != NULL || valid_text (v) != NULL)
    return _("must be an http:// or https:// address");
  return NULL;
}

#define FIELD(f) G_STRUCT_OFFSET (IotConfig, f)

static const Schema schema[] = {
  { "discovery", KIND_GROUP, 0, 0, 0 },
  { "discovery.service_types", KIND_SERVICE_TYPES, FIELD (service_types), 0, 0 },
  { "discovery.browse_all_types", KIND_BOOL, FIELD (browse_all_types), 0, 0 },
  { "discovery.scan_timeout", KIND_NUMBER, FIELD (scan_timeout), 0.1, 600 },
  { "discovery.resolve_timeout", KIND_NUMBER, FIELD (resolve_timeout), 0.1, 120 },
  { "discovery.remember_devices", KIND_BOOL, FIELD (remember_devices), 0, 0 },
  { "ui", KIND_GROUP, 0, 0, 0 },
  { "ui.color", KIND_BOOL, FIELD (ui_color), 0, 0 },
  { "ui.show_ipv6", KIND_BOOL, FIELD (ui_show_ipv6), 0, 0 },
  { "network", KIND_GROUP, 0, 0, 0 },
  { "network.join_timeout", KIND_NUMBER, FIELD (join_timeout), 1, 600 },
  { "network.auto_return", KIND_NUMBER, FIELD (auto_return), 1, 86400 },
  { "network.restart_timeout", KIND_NUMBER, FIELD (restart_timeout), 5, 3600 },
  { "ui.password_reveal_seconds", KIND_NUMBER, FIELD (password_reveal_seconds), 1, 3600 },
  { "kiosk", KIND_GROUP, 0, 0, 0 },
  { "kiosk.enabled", KIND_BOOL, FIELD (kiosk), 0, 0 },
  { "kiosk.shop_name", KIND_STRING, FIELD (kiosk_shop_name), 0, 0, valid_text },
  { "kiosk.greeting", KIND_STRING, FIELD (kiosk_greeting), 0, 0, valid_text },
  { "kiosk.language", KIND_STRING, FIELD (kiosk_language), 0, 0, valid_language },
  { "kiosk.idle_timeout", KIND_NUMBER, FIELD (kiosk_idle_timeout), 5, 86400 },
  { "kiosk.countdown", KIND_NUMBER, FIELD (kiosk_countdown), 0, 600 },
  { "kiosk.pin_hash", KIND_STRING, FIELD (kiosk_pin_hash), 0, 0, valid_pin_hash },
  { "kiosk.receipt_dir", KIND_STRING, FIELD (kiosk_receipt_dir), 0, 0, valid_abs_path },
  { "kiosk.receipt_command", KIND_ARGV, FIELD (kiosk_receipt_command), 0, 0 },
  { "kiosk.receipt_timeout", KIND_NUMBER, FIELD (kiosk_receipt_timeout), 1, 600 },
  { "kiosk.guidance_url", KIND_STRING, FIELD (kiosk_guidance_url), 0, 0, valid_url },
};

/* The types most consumer IoT devices and their hubs announce. */
static const char *const default_service_types[] = {
  "_http._tcp",       "_https._tcp",      "_shelly._tcp",   "_hap._tcp",
  "_matterc._udp",    "_matter._tcp",     "_esphomelib._tcp", "_ipp._tcp",
  "_ipps._tcp",       "_printer._tcp",    "_rtsp._tcp",     "_mqtt._tcp",
  "_ssh._tcp",        "_googlecast._tcp", "_airplay._tcp",  "_hue._tcp",
  "_home-assistant._tcp", NULL,
};

IotConfig *
iot_config_new (void)
{
  IotConfig *c = g_new0 (IotConfig, 1);
  c->service_types = g_strdupv ((char **) default_service_types);
  c->browse_all_types = FALSE;
  c->scan_timeout = 5.0;
  c->resolve_timeout = 5.0;
  c->remember_devices = TRUE;
  c->ui_color = TRUE;
  c->ui_show_ipv6 = TRUE;
  c->join_timeout = 30;
  c->auto_return = 600;
  c->restart_timeout = 180;
  c->password_reveal_seconds = 60;
  c->kiosk = FALSE;
  c->kiosk_shop_name = g_strdup ("");
  c->kiosk_greeting = g_strdup ("");
  c->kiosk_language = g_strdup ("");
  c->kiosk_idle_timeout = 120;
  c->kiosk_countdown = 15;
  c->kiosk_pin_hash = g_strdup ("");
  c->kiosk_receipt_dir = g_strdup ("/var/spool/iotsetup");
  c->kiosk_receipt_command = g_new0 (char *, 1);
  c->kiosk_receipt_timeout = 60;
  c->kiosk_guidance_url = g_strdup ("https://www.ncsc.gov.uk/guidance/smart-devices-in-the-home");
  return c;
}

/* Every owned pointer in IotConfig: copies and frees walk this list, so a
 * new string setting cannot be forgotten in one of them. */
#define STRING_FIELDS(X)                                                                  \
  X (kiosk_shop_name) X (kiosk_greeting) X (kiosk_language) X (kiosk_pin_hash)            \
  X (kiosk_receipt_dir) X (kiosk_guidance_url)

IotConfig *
iot_config_copy (const IotConfig *c)
{
  IotConfig *copy = g_new (IotConfig, 1);
  *copy = *c;
  copy->service_types = g_strdupv (c->service_types);
  copy->kiosk_receipt_command = g_strdupv (c->kiosk_receipt_command);
#define COPY_FIELD(f) copy->f = g_strdup (c->f);
  /* The analyzer loses apply()'s swap of whole structs and takes the moved
   * old strings for ones still in use: a false positive. */
  // NOLINTNEXTLINE(clang-analyzer-unix.Malloc)
  STRING_FIELDS (COPY_FIELD)
#undef COPY_FIELD
  return copy;
}

static void
config_clear (IotConfig *c)
{
  g_strfreev (c->service_types);
  g_strfreev (c->kiosk_receipt_command);
#define FREE_FIELD(f) g_free (c->f);
  // NOLINTNEXTLINE(clang-analyzer-unix.Malloc): as in iot_config_copy()
  STRING_FIELDS (FREE_FIELD)
#undef FREE_FIELD
}

void
iot_config_free (IotConfig *c)
{
  if (c == NULL)
    return;
  config_clear (c);
  g_free (c);
}

/* Kiosk mode, from --kiosk or kiosk.enabled: nothing of a customer may stay
 * behind, so devices are not remembered between runs either. */
void
iot_config_force_kiosk (IotConfig *c)
{
  c->kiosk = TRUE;
  c->remember_devices = FALSE;
}

/* "_name._tcp" or "_name._udp", with a DNS-SD service name (RFC 6335). */
static gboolean
service_type_is_valid (const char *t)
{
  return g_regex_match_simple ("^_[A-Za-z0-9]([A-Za-z0-9-]{0,13}[A-Za-z0-9])?\\._(tcp|udp)$",
                               t, G_REGEX_DOLLAR_ENDONLY, 0);
}

/* Sets @error to "FILE:LINE: PATH: WHAT" for setting @s; returns FALSE. */
gboolean
iot_config_error_at (GError **error, int code, const struct config_setting_t *s,
                     const char *fallback_file, const char *path, const char *what)
{
  const char *file = config_setting_source_file (s);
  g_set_error (error, IOT_CONFIG_ERROR, code, "%s:%u: %s: %s", file ? file : fallback_file,
               config_setting_source_line (s), path, what);
  return FALSE;
}

static const Schema *
schema_lookup (const char *path)
{
  for (guint i = 0; i < G_N_ELEMENTS (schema); i++)
    if (strcmp (schema[i].path, path) == 0)
      return &schema[i];
  return NULL;
}

static gboolean
apply_setting (IotConfig *c, const Schema *sc, config_setting_t *s, const char *file,
               const char *path, GError **error)
{
  int type = config_setting_type (s);
  gpointer field = G_STRUCT_MEMBER_P (c, sc->offset);

  switch (sc->kind)
    {
    case KIND_GROUP:
      if (type != CONFIG_TYPE_GROUP)
        return iot_config_error_at (error, IOT_CONFIG_ERROR_TYPE, s, file, path,
                     _("must be a group: { … }"));
      return TRUE;
    case KIND_BOOL:
      if (type != CONFIG_TYPE_BOOL)
        return iot_config_error_at (error, IOT_CONFIG_ERROR_TYPE, s, file, path,
                     _("must be true or false"));
      *(gboolean *) field = config_setting_get_bool (s) ? TRUE : FALSE;
      return TRUE;
    case KIND_NUMBER:
      {
        double v;
        if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64)
          v = (double) config_setting_get_int64 (s);
        else if (type == CONFIG_TYPE_FLOAT)
          v = config_setting_get_float (s);
        else
          return iot_config_error_at (error, IOT_CONFIG_ERROR_TYPE, s, file, path, _("must be a number"));
        if (!(v >= sc->min && v <= sc->max))
          {
            g_autofree char *msg =
                g_strdup_printf (_("must be between %g and %g"), sc->min, sc->max);
            return iot_config_error_at (error, IOT_CONFIG_ERROR_VALUE, s, file, path, msg);
          }
        *(double *) field = v;
        return TRUE;
      }
    case KIND_SERVICE_TYPES:
      {
        if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
          return iot_config_error_at (error, IOT_CONFIG_ERROR_TYPE, s, file, path,
                       _("must be a list of service types such as [ \"_http._tcp\" ]"));
        int n = config_setting_length (s);
        g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
        /* Errors name the list's line: libconfig 1.5 gives an element the
         * line of the token after it. The message quotes the bad value. */
        for (int i = 0; i < n; i++)
          {
            config_setting_t *e = config_setting_get_elem (s, i);
            const char *t = config_setting_get_string (e);
            if (t == NULL)
              return iot_config_error_at (error, IOT_CONFIG_ERROR_TYPE, s, file, path,
                           _("every element must be a string"));
            if (!service_type_is_valid (t))
              {
                /* The bad value is quoted sanitized and bounded: the message
                 * goes to a terminal and must be UTF-8 (GError). */
                g_autofree char *shown = iot_sanitize_text (t, -1, 64);
                g_autofree char *msg = g_strdup_printf (
                    _("“%s” is not a DNS-SD service type such as _http._tcp"), shown);
                return iot_config_error_at (error, IOT_CONFIG_ERROR_VALUE, s, file, path, msg);
              }
            g_strv_builder_add (b, t);
          }
        g_strfreev (*(char ***) field);
        *(char ***) field = g_strv_builder_end (b);
        return TRUE;
      }
    case KIND_STRING:
      {
        const char *v = config_setting_get_string (s);
        if (type != CONFIG_TYPE_STRING || v == NULL)
          return iot_config_error_at (error, IOT_CONFIG_ERROR_TYPE, s, file, path,
                                      _("must be a string in double quotes"));
        const char *why = sc->valid ? sc->valid (v) : NULL;
        if (why != NULL)
          return iot_config_error_at (error, IOT_CONFIG_ERROR_VALUE, s, file, path, why);
        g_free (*(char **) field);
        *(char **) field = g_strdup (v);
        return TRUE;
      }
    case KIND_ARGV:
      {
        if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
          return iot_config_error_at (error, IOT_CONFIG_ERROR_TYPE, s, file, path,
                                      _("must be a list of strings such as [ \"/usr/bin/lp\" ]"));
        int n = config_setting_length (s);
        g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
        for (int i = 0; i < n; i++)
          {
            const char *t = config_setting_get_string (config_setting_get_elem (s, i));
            if (t == NULL)
              return iot_config_error_at (error, IOT_CONFIG_ERROR_TYPE, s, file, path,
                                          _("every element must be a string"));
            /* No PATH search and no shell: the program is named exactly. */
            if ((i == 0 ? valid_abs_path (t) : valid_text (t)) != NULL || *t == '\0')
              return iot_config_error_at (error, IOT_CONFIG_ERROR_VALUE, s, file, path,
                                          i == 0 ? _("the program must be an absolute path")
                                                 : _("must not contain control characters"));
            g_strv_builder_add (b, t);
          }
        g_strfreev (*(char ***) field);
        *(char ***) field = g_strv_builder_end (b);
        return TRUE;
      }
    }
  g_return_val_if_reached (FALSE);
}

static gboolean
apply_group (IotConfig *c, config_setting_t *group, const char *prefix, const char *file,
             GError **error)
{
  int n = config_setting_length (group);
  for (int i = 0; i < n; i++)
    {
      config_setting_t *s = config_setting_get_elem (group, i);
      g_autofree char *path = prefix ? g_strconcat (prefix, ".", config_setting_name (s), NULL)
                                     : g_strdup (config_setting_name (s));
      const Schema *sc = schema_lookup (path);
      if (sc == NULL)
        return iot_config_error_at (error, IOT_CONFIG_ERROR_UNKNOWN_KEY, s, file, path,
                     _("unknown setting"));
      if (!apply_setting (c, sc, s, file, path, error))
        return FALSE;
      if (sc->kind == KIND_GROUP && !apply_group (c, s, path, file, error))
        return FALSE;
    }
  return TRUE;
}

/* Validates everything before changing anything, so a bad file leaves @c as
 * it was. */
static gboolean
apply (IotConfig *c, config_t *cf, const char *file, GError **error)
{
  /* The trial is a copy with its own list, so either it or @c keeps every
   * allocation whichever way this ends. */
  IotConfig *trial = iot_config_copy (c);
  if (!apply_group (trial, config_root_setting (cf), NULL, file, error))
    {
      iot_config_free (trial);
      return FALSE;
    }
  /* Swap: @c takes the new values, the trial the old ones, freed with it. */
  IotConfig old = *c;
  *c = *trial;
  *trial = old;
  iot_config_free (trial);
  return TRUE;
}

/* Sets @error from libconfig's parse error; returns FALSE. */
gboolean
iot_config_parse_error (const struct config_t *cf, const char *file, GError **error)
{
  const char *f = config_error_file (cf);
  g_set_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_PARSE, "%s:%d: %s", f ? f : file,
               config_error_line (cf), config_error_text (cf));
  return FALSE;
}

gboolean
iot_config_load_file (IotConfig *c, const char *path, GError **error)
{
  g_return_val_if_fail (c != NULL && path != NULL, FALSE);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_NOT_FOUND,
                   _("%s: no such configuration file"), path);
      return FALSE;
    }
  config_t cf;
  config_init (&cf);
  gboolean ok = config_read_file (&cf, path) == CONFIG_TRUE ? apply (c, &cf, path, error)
                                                            : iot_config_parse_error (&cf, path, error);
  config_destroy (&cf);
  return ok;
}

gboolean
iot_config_load_string (IotConfig *c, const char *text, GError **error)
{
  config_t cf;
  config_init (&cf);
  gboolean ok = config_read_string (&cf, text) == CONFIG_TRUE
                    ? apply (c, &cf, "<string>", error)
                    : iot_config_parse_error (&cf, "<string>", error);
  config_destroy (&cf);
  return ok;
}

char *
iot_config_system_path (void)
{
  return g_build_filename (SYSCONFDIR, "iotsetup", "iotsetup.conf", NULL);
}

char *
iot_config_user_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "iotsetup", "iotsetup.conf", NULL);
}

/**
 * iot_config_load:
 * @explicit_path: (nullable): a file given on the command line; when set,
 *   only that file is read on top of the defaults
 */
gboolean
iot_config_load (IotConfig *c, const char *explicit_path, GError **error)
{
  if (explicit_path != NULL)
    return iot_config_load_file (c, explicit_path, error);

  g_autofree char *system_path = iot_config_system_path ();
  g_autofree char *user_path = iot_config_user_path ();
  const char *paths[] = { system_path, user_path };
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    if (g_file_test (paths[i], G_FILE_TEST_EXISTS) && !iot_config_load_file (c, paths[i], error))
      return FALSE;
  return TRUE;
}
