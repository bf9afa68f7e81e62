/* SPDX-License-Identifier: GPL-3.0-or-later
 * JSON for devices: one object per device with its addresses and services;
 * services merge the per-interface/protocol records Avahi reports into one
 * entry with the addresses it was resolved to.
 */
#include "config.h"

#include "iot-scan-json.h"

#include "iot-sanitize.h"

static char *
iso8601 (gint64 usec)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  return g_date_time_format_iso8601 (dt);
}

static void
add_sanitized (JsonBuilder *b, const char *member, const char *raw)
{
  g_autofree char *clean = iot_sanitize_text (raw, -1, 0);
  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, clean);
}

static void
add_address (JsonBuilder *b, const IotAddress *a)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "family");
  json_builder_add_string_value (b, iot_family_to_string (a->family));
  json_builder_set_member_name (b, "address");
  json_builder_add_string_value (b, a->address);
  json_builder_set_member_name (b, "interface");
  json_builder_add_string_value (b, a->ifname);
  json_builder_end_object (b);
}

static void
add_txt (JsonBuilder *b, const IotTxt *txt)
{
  json_builder_set_member_name (b, "txt");
  json_builder_begin_object (b);
  for (guint i = 0; i < iot_txt_get_n_entries (txt); i++)
    {
      const IotTxtEntry *e = iot_txt_get_entry (txt, i);
      /* Keys are printable ASCII already (iot-txt.c). */
      json_builder_set_member_name (b, e->key);
      if (e->value == NULL)
        json_builder_add_boolean_value (b, TRUE);
      else
        {
          gsize len;
          const char *data = g_bytes_get_data (e->value, &len);
          g_autofree char *clean = iot_sanitize_text (data, len, 0);
          json_builder_add_string_value (b, clean);
        }
    }
  json_builder_end_object (b);
}

static const char *
record_state_string (const IotService *s)
{
  gboolean failed = FALSE;
  for (guint i = 0; i < s->records->len; i++)
    {
      const IotRecord *r = s->records->pdata[i];
      if (r->state == IOT_RECORD_RESOLVED)
        return "resolved";
      failed |= r->state == IOT_RECORD_FAILED;
    }
  return failed ? "failed" : "resolving";
}

static void
add_service (JsonBuilder *b, const IotService *s)
{
  json_builder_begin_object (b);
  add_sanitized (b, "name", s->name);
  add_sanitized (b, "type", s->type);
  add_sanitized (b, "domain", s->domain);
  json_builder_set_member_name (b, "port");
  json_builder_add_int_value (b, s->port);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, record_state_string (s));
  json_builder_set_member_name (b, "addresses");
  json_builder_begin_array (b);
  for (guint i = 0; i < s->records->len; i++)
    {
      const IotRecord *r = s->records->pdata[i];
      if (r->state == IOT_RECORD_RESOLVED)
        add_address (b, &r->address);
    }
  json_builder_end_array (b);
  add_txt (b, s->txt);
  json_builder_end_object (b);
}

/* The profile the device matched, and why (in English: JSON is for
 * scripts and logs); null when no profiles were loaded. */
static void
add_profile (JsonBuilder *b, const IotDevice *d, const IotProfiles *profiles)
{
  json_builder_set_member_name (b, "profile");
  if (profiles == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  g_autoptr (IotProfileMatch) m = iot_profile_match_device (profiles, d);
  g_autofree char *why = iot_profile_match_dup_why (m, FALSE);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, m->profile->id);
  json_builder_set_member_name (b, "vendor");
  json_builder_add_string_value (b, m->profile->vendor);
  json_builder_set_member_name (b, "family");
  json_builder_add_string_value (b, m->profile->family);
  json_builder_set_member_name (b, "generic");
  json_builder_add_boolean_value (b, m->profile->generic);
  add_sanitized (b, "why", why);
  json_builder_end_object (b);
}

static void
build_device (JsonBuilder *b, const IotDevice *d, const IotProfiles *profiles)
{
  g_autofree char *name = iot_device_dup_display_name (d);
  g_autofree char *first = iso8601 (d->first_seen);
  g_autofree char *last = iso8601 (d->last_seen);
  g_autoptr (GPtrArray) addrs = iot_device_dup_addresses (d);

  json_builder_begin_object (b);
  add_sanitized (b, "id", d->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  if (d->host)
    add_sanitized (b, "host", d->host);
  else
    {
      json_builder_set_member_name (b, "host");
      json_builder_add_null_value (b);
    }
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, iot_device_get_kind (d, NULL));
  add_profile (b, d, profiles);
  json_builder_set_member_name (b, "new");
  json_builder_add_boolean_value (b, d->is_new);
  json_builder_set_member_name (b, "reachable");
  json_builder_add_boolean_value (b, iot_device_is_reachable (d));
  json_builder_set_member_name (b, "first_seen");
  json_builder_add_string_value (b, first);
  json_builder_set_member_name (b, "last_seen");
  json_builder_add_string_value (b, last);
  json_builder_set_member_name (b, "addresses");
  json_builder_begin_array (b);
  for (guint i = 0; i < addrs->len; i++)
    add_address (b, addrs->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "services");
  json_builder_begin_array (b);
  for (guint i = 0; i < d->services->len; i++)
    add_service (b, d->services->pdata[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/**
 * iot_device_to_json:
 * @profiles: (nullable): to add the matching profile
 */
JsonNode *
iot_device_to_json (const IotDevice *d, const IotProfiles *profiles)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  build_device (b, d, profiles);
  return json_builder_get_root (b);
}

/**
 * iot_registry_to_json:
 * @profiles: (nullable): to add each device's matching profile
 */
JsonNode *
iot_registry_to_json (IotRegistry *reg, gboolean complete, const IotProfiles *profiles)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (GPtrArray) devices = iot_registry_dup_devices (reg);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "schema");
  json_builder_add_string_value (b, IOT_SCAN_SCHEMA);
  json_builder_set_member_name (b, "complete");
  json_builder_add_boolean_value (b, complete);
  json_builder_set_member_name (b, "devices");
  json_builder_begin_array (b);
  for (guint i = 0; i < devices->len; i++)
    build_device (b, devices->pdata[i], profiles);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
