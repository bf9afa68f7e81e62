/* SPDX-License-Identifier: GPL-3.0-or-later
 * Fuzz target: configuration text through libconfig's parser and the
 * schema (iot_config_load_string). A bad file must be refused with a
 * printable error naming where, and must leave the settings as they were;
 * a good one must give settings within the schema's bounds.
 *
 * Input: the configuration text. Text with an @include directive is
 * skipped: libconfig then reads another file from the file system, which
 * is not parser input (and a directive naming a directory makes libconfig's
 * scanner exit the process, see tests/fuzz/README.md).
 */
#include "config.h"

#include "fuzz-common.h"

#include "app/core/iot-config.h"

#include <string.h>

static gboolean
service_type_ok (const char *t)
{
  return g_regex_match_simple ("^_[A-Za-z0-9]([A-Za-z0-9-]{0,13}[A-Za-z0-9])?\\._(tcp|udp)$", t,
                               G_REGEX_DOLLAR_ENDONLY, 0);
}

static gboolean
config_equal (const IotConfig *a, const IotConfig *b)
{
  return a->browse_all_types == b->browse_all_types && a->scan_timeout == b->scan_timeout
         && a->resolve_timeout == b->resolve_timeout && a->remember_devices == b->remember_devices
         && a->ui_color == b->ui_color && a->ui_show_ipv6 == b->ui_show_ipv6
         && g_strv_equal ((const char *const *)a->service_types,
                          (const char *const *)b->service_types);
}

static void
check_message (const char *message)
{
  if (message == NULL || !g_utf8_validate (message, -1, NULL))
    fuzz_fail ("configuration error message is not UTF-8", message);
  for (const char *p = message; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c < 0x20 || (c >= 0x7F && c < 0xA0))
        fuzz_fail ("configuration error message has a control character", message);
    }
  if (!g_str_has_prefix (message, "<string>:"))
    fuzz_fail ("configuration error does not say where", message);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init ();
  g_autofree char *text = g_strndup ((const char *)data, size);
  if (strstr (text, "@include") != NULL)
    return 0;

  g_autoptr (IotConfig) config = iot_config_new ();
  g_autoptr (IotConfig) defaults = iot_config_new ();
  g_autoptr (GError) error = NULL;
  if (!iot_config_load_string (config, text, &error))
    {
      if (error == NULL || error->domain != IOT_CONFIG_ERROR)
        fuzz_fail ("configuration refused without an IotConfigError", text);
      check_message (error->message);
      if (!config_equal (config, defaults))
        fuzz_fail ("a refused configuration changed the settings", text);
      return 0;
    }
  if (error != NULL)
    fuzz_fail ("configuration accepted with an error set", error->message);
  if (!(config->scan_timeout >= 0.1 && config->scan_timeout <= 600)
      || !(config->resolve_timeout >= 0.1 && config->resolve_timeout <= 120))
    fuzz_fail ("a timeout outside the schema's bounds", text);
  if (config->service_types == NULL)
    fuzz_fail ("no service type list", text);
  for (guint i = 0; config->service_types[i]; i++)
    if (!service_type_ok (config->service_types[i]))
      fuzz_fail ("an invalid service type accepted", config->service_types[i]);

  /* Loading the same text again on top gives the same settings. */
  g_autoptr (IotConfig) again = iot_config_new ();
  if (!iot_config_load_string (again, text, NULL) || !iot_config_load_string (again, text, NULL)
      || !config_equal (config, again))
    fuzz_fail ("loading a good configuration twice differs", text);
  return 0;
}
