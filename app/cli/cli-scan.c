/* SPDX-License-Identifier: GPL-3.0-or-later
 * `iotsetup scan`: browse, resolve, print, exit. It stops as soon as Avahi
 * says "all for now" for every browsed type and every resolve has answered,
 * or at the timeout. Exit 0 with devices, 1 with none, 2 on an error such as
 * no Avahi daemon.
 */
#include "config.h"

#include "cli.h"

#include "app/core/iot-profile.h"
#include "app/core/iot-sanitize.h"
#include "app/core/iot-scan-json.h"
#include "app/core/iot-session.h"

#include <glib/gi18n.h>
#include <stdio.h>

static void
print_text (IotRegistry *registry, const IotProfiles *profiles)
{
  g_autoptr (GPtrArray) devices = iot_registry_dup_devices (registry);
  for (guint i = 0; i < devices->len; i++)
    {
      IotDevice *d = devices->pdata[i];
      g_autofree char *name = iot_device_dup_display_name (d);
      g_autofree char *host = iot_device_dup_host (d);
      const char *kind;
      iot_device_get_kind (d, &kind);
      g_autoptr (GString) flags = g_string_new (NULL);
      if (d->is_new)
        g_string_append_printf (flags, " [%s]", _("new"));
      if (!iot_device_is_reachable (d))
        g_string_append_printf (flags, " [%s]", _("unreachable"));
      g_print ("%s%s\n", name, flags->str);
      g_print ("  %s: %s\n", _("Kind"), _(kind));
      g_autoptr (IotProfileMatch) match = iot_profile_match_device (profiles, d);
      g_autofree char *why = iot_profile_match_dup_why (match, TRUE);
      g_autofree char *why_clean = iot_sanitize_text (why, -1, 0);
      /* Translators: "Profile: <device family> (<why it matched>)" */
      g_print ("  %s: %s (%s)\n", _("Profile"), match->profile->family, why_clean);
      if (*host)
        g_print ("  %s: %s.local\n", _("Host"), host);
      g_autoptr (GPtrArray) addrs = iot_device_dup_addresses (d);
      for (guint j = 0; j < addrs->len; j++)
        {
          g_autofree char *a = iot_address_to_string (addrs->pdata[j]);
          g_print ("  %s: %s\n", _("Address"), a);
        }
      g_autoptr (JsonNode) node = iot_device_to_json (d, NULL);
      JsonArray *services = json_object_get_array_member (json_node_get_object (node), "services");
      for (guint j = 0; j < json_array_get_length (services); j++)
        {
          JsonObject *s = json_array_get_object_element (services, j);
          g_print ("  %s: %s %s %" G_GINT64_FORMAT " “%s”\n", _("Service"),
                   json_object_get_string_member (s, "type"),
                   _("port"), json_object_get_int_member (s, "port"),
                   json_object_get_string_member (s, "name"));
          JsonObject *txt = json_object_get_object_member (s, "txt");
          g_autoptr (GList) keys = json_object_get_members (txt);
          for (GList *k = keys; k; k = k->next)
            {
              JsonNode *v = json_object_get_member (txt, k->data);
              if (JSON_NODE_HOLDS_VALUE (v) && json_node_get_value_type (v) == G_TYPE_STRING)
                g_print ("    %s=%s\n", (char *) k->data, json_node_get_string (v));
              else
                g_print ("    %s\n", (char *) k->data);
            }
        }
      g_print ("\n");
    }
}

/**
 * iot_cli_scan:
 * @config: (transfer full)
 */
int
iot_cli_scan (IotConfig *config, int argc, char **argv)
{
  double timeout = config->scan_timeout;
  gboolean json = FALSE, all_types = FALSE;
  const GOptionEntry entries[] = {
    { "timeout", 't', 0, G_OPTION_ARG_DOUBLE, &timeout,
      N_ ("Give up after SECONDS (default from the configuration)"), N_ ("SECONDS") },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON (schema iotsetup.scan/1)"),
      NULL },
    { "all-types", 'a', 0, G_OPTION_ARG_NONE, &all_types,
      N_ ("Browse every service type on the network, not only the configured ones"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (NULL);
  g_set_prgname ("iotsetup scan"); /* for the usage line */
  g_option_context_set_summary (ctx, _("Find devices on the local network and list them."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc > 1 ||
      !(timeout > 0 && timeout <= 3600))
    {
      g_printerr ("iotsetup scan: %s\n",
                  error ? error->message : _("invalid arguments; see --help"));
      iot_config_free (config);
      return IOT_EXIT_ERROR;
    }
  config->browse_all_types |= all_types;

  /* A broken profile is an installation error: say so before scanning. */
  g_autofree char *profiles_dir = iot_profiles_default_dir ();
  g_autoptr (IotProfiles) profiles = iot_profiles_load_dir (profiles_dir, &error);
  if (profiles == NULL)
    {
      g_printerr ("iotsetup: %s\n", error->message);
      iot_config_free (config);
      return IOT_EXIT_ERROR;
    }

  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (IotSession) session = iot_cli_discover (config, loop, timeout);
  if (session == NULL)
    return IOT_EXIT_ERROR;

  gboolean complete = iot_discovery_is_complete (session->discovery);
  if (json)
    {
      g_autoptr (JsonNode) root = iot_registry_to_json (session->registry, complete, profiles);
      g_autofree char *text = json_to_string (root, TRUE);
      g_print ("%s\n", text);
    }
  else
    print_text (session->registry, profiles);
  /* A list that never arrived (a full disk, a closed pipe) is an error, not
   * "devices found". */
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      g_printerr ("iotsetup scan: %s\n", _("Cannot write to standard output."));
      return IOT_EXIT_ERROR;
    }
  if (!complete)
    g_printerr ("iotsetup: %s\n", _("The scan timed out before every answer came in; the "
                                   "list may be incomplete."));
  return iot_registry_get_n_devices (session->registry) > 0 ? IOT_EXIT_OK : IOT_EXIT_NONE_FOUND;
}
