/* SPDX-License-Identifier: GPL-3.0-or-later
 * Fuzz target: the JSON export of the device registry (schema
 * iotsetup.scan/1, iot_registry_to_json) after any sequence of discovery
 * events. The document must be valid UTF-8 JSON that parses back, follow
 * the schema in README.md, and carry only sanitized strings.
 *
 * Input: a byte for the "complete" flag, then discovery events in the
 * language of fuzz_feed_registry() (fuzz-common.c).
 */
#include "config.h"

#include "fuzz-common.h"

#include "app/core/iot-sanitize.h"
#include "app/core/iot-scan-json.h"

#include <string.h>

static void
check_string (JsonObject *o, const char *member, gboolean nullable)
{
  JsonNode *n = json_object_get_member (o, member);
  if (n == NULL || (JSON_NODE_HOLDS_NULL (n) && nullable))
    {
      if (n == NULL)
        fuzz_fail ("JSON member missing", member);
      return;
    }
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    fuzz_fail ("JSON member is not a string", member);
  fuzz_check_display_text (json_node_get_string (n), IOT_SANITIZE_MAX_BYTES, member);
}

static void
check_addresses (JsonArray *addrs)
{
  for (guint i = 0; i < json_array_get_length (addrs); i++)
    {
      JsonObject *a = json_array_get_object_element (addrs, i);
      const char *family = json_object_get_string_member (a, "family");
      if (g_strcmp0 (family, "ipv4") != 0 && g_strcmp0 (family, "ipv6") != 0)
        fuzz_fail ("address family", family);
      check_string (a, "address", FALSE);
      check_string (a, "interface", FALSE);
    }
}

static void
check_service (JsonObject *s)
{
  static const char *const states[] = { "resolved", "resolving", "failed", NULL };
  check_string (s, "name", FALSE);
  check_string (s, "type", FALSE);
  check_string (s, "domain", FALSE);
  gint64 port = json_object_get_int_member (s, "port");
  if (port < 0 || port > 65535)
    fuzz_fail ("service port out of range", NULL);
  if (!g_strv_contains (states, json_object_get_string_member (s, "state")))
    fuzz_fail ("service state", json_object_get_string_member (s, "state"));
  check_addresses (json_object_get_array_member (s, "addresses"));
  JsonObject *txt = json_object_get_object_member (s, "txt");
  if (txt == NULL)
    fuzz_fail ("service without txt", NULL);
  g_autoptr (GList) keys = json_object_get_members (txt);
  for (GList *k = keys; k; k = k->next)
    {
      fuzz_check_display_text (k->data, 255, "TXT key");
      JsonNode *v = json_object_get_member (txt, k->data);
      if (JSON_NODE_HOLDS_VALUE (v) && json_node_get_value_type (v) == G_TYPE_BOOLEAN)
        {
          if (!json_node_get_boolean (v))
            fuzz_fail ("TXT boolean attribute false", k->data);
        }
      else
        check_string (txt, k->data, FALSE);
    }
}

static void
check_document (const char *text, IotRegistry *reg, gboolean complete)
{
  if (!g_utf8_validate (text, -1, NULL))
    fuzz_fail ("JSON is not UTF-8", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  if (!json_parser_load_from_data (parser, text, -1, &error))
    fuzz_fail ("JSON does not parse back", error->message);
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (json_object_get_string_member (root, "schema"), IOT_SCAN_SCHEMA) != 0
      || json_object_get_boolean_member (root, "complete") != complete)
    fuzz_fail ("JSON schema or complete flag", NULL);
  JsonArray *devices = json_object_get_array_member (root, "devices");
  if (json_array_get_length (devices) != iot_registry_get_n_devices (reg))
    fuzz_fail ("JSON does not list every device once", NULL);
  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *d = json_array_get_object_element (devices, i);
      check_string (d, "id", FALSE);
      check_string (d, "name", FALSE);
      check_string (d, "host", TRUE);
      check_string (d, "kind", FALSE);
      check_string (d, "first_seen", FALSE);
      check_string (d, "last_seen", FALSE);
      check_addresses (json_object_get_array_member (d, "addresses"));
      JsonArray *services = json_object_get_array_member (d, "services");
      if (json_array_get_length (services) == 0)
        fuzz_fail ("a device without services", NULL);
      gboolean resolved = FALSE;
      for (guint j = 0; j < json_array_get_length (services); j++)
        {
          JsonObject *s = json_array_get_object_element (services, j);
          check_service (s);
          resolved |= g_strcmp0 (json_object_get_string_member (s, "state"), "resolved") == 0;
        }
      if (json_object_get_boolean_member (d, "reachable") != resolved)
        fuzz_fail ("reachable does not match the services' states", NULL);
    }
}

/* The shipped profiles, when IOTSETUP_DATADIR points at them (make check,
 * fuzz.sh), so that profile matching of hostile devices is fuzzed too. */
static const IotProfiles *
shipped_profiles (void)
{
  static IotProfiles *profiles;
  static gboolean tried;
  if (!tried)
    {
      tried = TRUE;
      if (g_getenv ("IOTSETUP_DATADIR") != NULL)
        {
          g_autofree char *dir = iot_profiles_default_dir ();
          profiles = iot_profiles_load_dir (dir, NULL);
        }
    }
  return profiles;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init ();
  const IotProfiles *profiles = shipped_profiles ();
  FuzzInput in;
  fuzz_input_init (&in, data, size);
  gboolean complete = fuzz_take_u8 (&in) & 1;
  IotRegistry *reg = iot_registry_new ();
  fuzz_feed_registry (reg, &in);

  g_autoptr (JsonNode) root = iot_registry_to_json (reg, complete, profiles);
  g_autofree char *text = json_to_string (root, TRUE); /* as `iotsetup scan --json` */
  check_document (text, reg, complete);

  g_autoptr (GPtrArray) devices = iot_registry_dup_devices (reg);
  for (guint i = 0; i < devices->len; i++)
    {
      g_autoptr (JsonNode) one = iot_device_to_json (devices->pdata[i], profiles);
      if (one == NULL || !JSON_NODE_HOLDS_OBJECT (one))
        fuzz_fail ("iot_device_to_json gave no object", NULL);
    }
  iot_registry_free (reg);
  return 0;
}
