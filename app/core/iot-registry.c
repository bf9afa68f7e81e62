/* SPDX-License-Identifier: GPL-3.0-or-later
 * Device registry. Records (one per interface, protocol and service instance)
 * are kept in a hash table by their full key; resolved ones hang off a service
 * of a device grouped by host name. A record that has never resolved is
 * pending; one that failed without ever resolving gets a device of its own
 * keyed by instance name, shown as unreachable rather than dropped.
 */
#include "config.h"

#include "iot-registry.h"

#include "iot-inventory.h"
#include "iot-sanitize.h"

#include <glib/gi18n.h>
#include <string.h>

typedef struct
{
  guint id;
  IotRegistryFunc func;
  gpointer user_data;
} Listener;

struct _IotRegistry
{
  GHashTable *records; /* key string → IotRecord* (owned) */
  GHashTable *devices; /* id → IotDevice* (owned) */
  GArray *listeners;   /* Listener */
  guint next_listener;
  IotInventory *inventory; /* not owned, may be NULL */
};

static char *
record_key_string (const IotRecordKey *key)
{
  /* The parts are untrusted, so separate them with a byte that a DNS label
   * cannot carry through Avahi (NUL cannot be in a C string). */
  return g_strdup_printf ("%d\x1f%d\x1f%s\x1f%s\x1f%s", key->ifindex, key->protocol,
                          key->name, key->type, key->domain);
}

static void
record_free (gpointer p)
{
  IotRecord *r = p;
  g_free (r->ifname);
  g_free (r->name);
  g_free (r->type);
  g_free (r->domain);
  g_free (r->host);
  g_free (r->error);
  g_free (r);
}

static void
service_free (gpointer p)
{
  IotService *s = p;
  g_free (s->name);
  g_free (s->type);
  g_free (s->domain);
  iot_txt_free (s->txt);
  g_ptr_array_unref (s->records);
  g_free (s);
}

static void
device_free (gpointer p)
{
  IotDevice *d = p;
  g_free (d->id);
  g_free (d->host);
  g_ptr_array_unref (d->services);
  g_free (d);
}

/**
 * iot_device_snapshot:
 *
 * A deep copy of @device as it is now, with its services and their records,
 * that no later registry change touches: for work that outlives the current
 * main-loop turn (the checks). The registry frees a device as soon as its
 * last record goes (the device leaving, or the Avahi daemon coming back
 * without it). The copy is of no registry: never pass it to one.
 *
 * Returns: (transfer full): free with iot_device_free().
 */
IotDevice *
iot_device_snapshot (const IotDevice *device)
{
  IotDevice *c = g_new0 (IotDevice, 1);
  c->id = g_strdup (device->id);
  c->host = g_strdup (device->host);
  c->first_seen = device->first_seen;
  c->last_seen = device->last_seen;
  c->is_new = device->is_new;
  c->services = g_ptr_array_new_with_free_func (service_free);
  for (guint i = 0; i < device->services->len; i++)
    {
      const IotService *s = device->services->pdata[i];
      IotService *cs = g_new0 (IotService, 1);
      cs->name = g_strdup (s->name);
      cs->type = g_strdup (s->type);
      cs->domain = g_strdup (s->domain);
      cs->port = s->port;
      cs->txt = s->txt ? iot_txt_copy (s->txt) : NULL;
      cs->records = g_ptr_array_new_with_free_func (record_free); /* owned here */
      cs->device = c;
      for (guint j = 0; j < s->records->len; j++)
        {
          const IotRecord *r = s->records->pdata[j];
          IotRecord *cr = g_new0 (IotRecord, 1);
          *cr = *r;
          cr->ifname = g_strdup (r->ifname);
          cr->name = g_strdup (r->name);
          cr->type = g_strdup (r->type);
          cr->domain = g_strdup (r->domain);
          cr->host = g_strdup (r->host);
          cr->error = g_strdup (r->error);
          cr->service = cs;
          g_ptr_array_add (cs->records, cr);
        }
      g_ptr_array_add (c->services, cs);
    }
  return c;
}

void
iot_device_free (IotDevice *device)
{
  if (device != NULL)
    device_free (device);
}

IotRegistry *
iot_registry_new (void)
{
  IotRegistry *reg = g_new0 (IotRegistry, 1);
  reg->records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, record_free);
  reg->devices = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, device_free);
  reg->listeners = g_array_new (FALSE, FALSE, sizeof (Listener));
  reg->next_listener = 1;
  return reg;
}

void
iot_registry_free (IotRegistry *reg)
{
  if (reg == NULL)
    return;
  /* Devices reference records through services; free devices first. */
  g_hash_table_destroy (reg->devices);
  g_hash_table_destroy (reg->records);
  g_array_unref (reg->listeners);
  g_free (reg);
}

void
iot_registry_set_inventory (IotRegistry *reg, IotInventory *inventory)
{
  reg->inventory = inventory;
}

guint
iot_registry_add_listener (IotRegistry *reg, IotRegistryFunc func, gpointer user_data)
{
  Listener l = { reg->next_listener++, func, user_data };
  g_array_append_val (reg->listeners, l);
  return l.id;
}

void
iot_registry_remove_listener (IotRegistry *reg, guint id)
{
  for (guint i = 0; i < reg->listeners->len; i++)
    if (g_array_index (reg->listeners, Listener, i).id == id)
      {
        g_array_remove_index (reg->listeners, i);
        return;
      }
}

static void
emit (IotRegistry *reg, IotRegistryEvent event, IotDevice *device)
{
  for (guint i = 0; i < reg->listeners->len; i++)
    {
      Listener l = g_array_index (reg->listeners, Listener, i);
      l.func (reg, event, device, l.user_data);
    }
}

/* Sets *@added when the device is new; the caller announces it once it has
 * a service, so no listener ever sees a device without one. */
static IotDevice *
device_get_or_add (IotRegistry *reg, const char *id, const char *host, gboolean *added)
{
  IotDevice *d = g_hash_table_lookup (reg->devices, id);
  *added = d == NULL;
  if (d != NULL)
    return d;
  d = g_new0 (IotDevice, 1);
  d->id = g_strdup (id);
  d->host = g_strdup (host);
  d->services = g_ptr_array_new_with_free_func (service_free);
  d->first_seen = d->last_seen = g_get_real_time ();
  /* Only a resolved host is an identity worth remembering. */
  if (host != NULL && reg->inventory != NULL)
    d->is_new = iot_inventory_note (reg->inventory, d->id, d->first_seen);
  g_hash_table_insert (reg->devices, d->id, d);
  return d;
}

static IotService *
service_get_or_add (IotDevice *d, const IotRecord *r)
{
  for (guint i = 0; i < d->services->len; i++)
    {
      IotService *s = d->services->pdata[i];
      if (strcmp (s->name, r->name) == 0 && strcmp (s->type, r->type) == 0 &&
          strcmp (s->domain, r->domain) == 0)
        return s;
    }
  IotService *s = g_new0 (IotService, 1);
  s->name = g_strdup (r->name);
  s->type = g_strdup (r->type);
  s->domain = g_strdup (r->domain);
  s->records = g_ptr_array_new ();
  s->device = d;
  g_ptr_array_add (d->services, s);
  return s;
}

/* Unlinks @r from its service; removes the service, and the device when it
 * has no service left. Emits CHANGED or REMOVED for the device. */
static void
record_detach (IotRegistry *reg, IotRecord *r)
{
  IotService *s = r->service;
  if (s == NULL)
    return;
  r->service = NULL;
  g_ptr_array_remove (s->records, r);
  IotDevice *d = s->device;
  if (s->records->len == 0)
    g_ptr_array_remove (d->services, s);
  if (d->services->len == 0)
    {
      g_hash_table_steal (reg->devices, d->id);
      emit (reg, IOT_REGISTRY_DEVICE_REMOVED, d);
      device_free (d);
    }
  else
    emit (reg, IOT_REGISTRY_DEVICE_CHANGED, d);
}

static void
record_attach (IotRegistry *reg, IotRecord *r, const char *device_id, const char *host)
{
  gboolean added;
  IotDevice *d = device_get_or_add (reg, device_id, host, &added);
  IotService *s = service_get_or_add (d, r);
  r->service = s;
  g_ptr_array_add (s->records, r);
  if (added)
    emit (reg, IOT_REGISTRY_DEVICE_ADDED, d);
}

static IotRecord *
record_lookup (IotRegistry *reg, const IotRecordKey *key)
{
  g_autofree char *k = record_key_string (key);
  return g_hash_table_lookup (reg->records, k);
}

void
iot_registry_record_found (IotRegistry *reg, const IotRecordKey *key)
{
  IotRecord *r = record_lookup (reg, key);
  if (r != NULL)
    {
      /* Seen again (e.g. after the daemon came back): confirmed. */
      r->stale = FALSE;
      if (r->service)
        r->service->device->last_seen = g_get_real_time ();
      return;
    }
  r = g_new0 (IotRecord, 1);
  r->ifindex = key->ifindex;
  r->ifname = g_strdup (key->ifname);
  r->protocol = key->protocol;
  r->name = g_strdup (key->name);
  r->type = g_strdup (key->type);
  r->domain = g_strdup (key->domain);
  r->state = IOT_RECORD_RESOLVING;
  g_hash_table_insert (reg->records, record_key_string (key), r);
}

void
iot_registry_record_resolved (IotRegistry *reg, const IotRecordKey *key, const char *host,
                              const IotAddress *address, guint16 port, IotTxt *txt)
{
  g_autoptr (IotTxt) owned_txt = txt;
  g_return_if_fail (host != NULL && address != NULL);

  IotRecord *r = record_lookup (reg, key);
  if (r == NULL)
    {
      iot_registry_record_found (reg, key);
      r = record_lookup (reg, key);
    }
  g_autofree char *id = g_ascii_strdown (host, -1);
  gboolean moved = r->service == NULL || strcmp (r->service->device->id, id) != 0;

  r->state = IOT_RECORD_RESOLVED;
  r->stale = FALSE;
  g_clear_pointer (&r->error, g_free);
  g_free (r->host);
  r->host = g_strdup (host);
  r->address = *address;

  if (moved)
    {
      record_detach (reg, r);
      record_attach (reg, r, id, host);
    }
  IotService *s = r->service;
  IotDevice *d = s->device;
  s->port = port;
  iot_txt_free (s->txt);
  s->txt = g_steal_pointer (&owned_txt);
  if (d->host == NULL || strcmp (d->host, host) != 0)
    {
      g_free (d->host);
      d->host = g_strdup (host);
    }
  d->last_seen = g_get_real_time ();
  emit (reg, IOT_REGISTRY_DEVICE_CHANGED, d);
}

void
iot_registry_record_failed (IotRegistry *reg, const IotRecordKey *key, const char *reason)
{
  IotRecord *r = record_lookup (reg, key);
  if (r == NULL)
    return;
  r->state = IOT_RECORD_FAILED;
  g_free (r->error);
  r->error = g_strdup (reason);
  if (r->service == NULL)
    {
      /* Never resolved: show it, as unreachable, under its instance name. */
      g_autofree char *id = g_strconcat ("name:", r->name, NULL);
      record_attach (reg, r, id, NULL);
    }
  emit (reg, IOT_REGISTRY_DEVICE_CHANGED, r->service->device);
}

void
iot_registry_record_removed (IotRegistry *reg, const IotRecordKey *key)
{
  g_autofree char *k = record_key_string (key);
  IotRecord *r = g_hash_table_lookup (reg->records, k);
  if (r == NULL)
    return;
  record_detach (reg, r);
  g_hash_table_remove (reg->records, k);
}

/* The daemon went away: everything we know must be confirmed again. */
void
iot_registry_mark_stale (IotRegistry *reg)
{
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init (&it, reg->records);
  while (g_hash_table_iter_next (&it, NULL, &v))
    ((IotRecord *) v)->stale = TRUE;
}

/* Drops records that the restarted daemon did not report again. */
void
iot_registry_sweep_stale (IotRegistry *reg)
{
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init (&it, reg->records);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      IotRecord *r = v;
      if (!r->stale)
        continue;
      record_detach (reg, r);
      g_hash_table_iter_remove (&it);
    }
}

guint
iot_registry_get_n_pending (IotRegistry *reg)
{
  guint n = 0;
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init (&it, reg->records);
  while (g_hash_table_iter_next (&it, NULL, &v))
    if (((IotRecord *) v)->state == IOT_RECORD_RESOLVING)
      n++;
  return n;
}

guint
iot_registry_get_n_devices (IotRegistry *reg)
{
  return g_hash_table_size (reg->devices);
}

static int
device_compare (gconstpointer a, gconstpointer b)
{
  const IotDevice *da = *(IotDevice *const *) a;
  const IotDevice *db = *(IotDevice *const *) b;
  /* New devices first, unreachable ones last, then by name. */
  if (da->is_new != db->is_new)
    return da->is_new ? -1 : 1;
  gboolean ra = iot_device_is_reachable (da), rb = iot_device_is_reachable (db);
  if (ra != rb)
    return ra ? -1 : 1;
  g_autofree char *na = iot_device_dup_display_name (da);
  g_autofree char *nb = iot_device_dup_display_name (db);
  g_autofree char *ka = g_utf8_collate_key (na, -1);
  g_autofree char *kb = g_utf8_collate_key (nb, -1);
  int c = strcmp (ka, kb);
  return c != 0 ? c : strcmp (da->id, db->id);
}

/* Returns: (transfer container): the devices in display order. */
GPtrArray *
iot_registry_dup_devices (IotRegistry *reg)
{
  GPtrArray *out = g_ptr_array_new ();
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init (&it, reg->devices);
  while (g_hash_table_iter_next (&it, NULL, &v))
    g_ptr_array_add (out, v);
  g_ptr_array_sort (out, device_compare);
  return out;
}

static gboolean
device_matches (const IotDevice *d, const char *what)
{
  if (g_ascii_strcasecmp (d->id, what) == 0 ||
      (d->host && g_ascii_strcasecmp (d->host, what) == 0))
    return TRUE;
  g_autofree char *short_host = iot_device_dup_host (d);
  g_autofree char *name = iot_device_dup_display_name (d);
  if (g_ascii_strcasecmp (short_host, what) == 0 || g_utf8_collate (name, what) == 0)
    return TRUE;
  for (guint i = 0; i < d->services->len; i++)
    {
      IotService *s = d->services->pdata[i];
      for (guint j = 0; j < s->records->len; j++)
        {
          IotRecord *r = s->records->pdata[j];
          if (r->state == IOT_RECORD_RESOLVED && strcmp (r->address.address, what) == 0)
            return TRUE;
        }
    }
  return FALSE;
}

/* Returns: (nullable): the device with exactly this @id. */
IotDevice *
iot_registry_get_device (IotRegistry *reg, const char *id)
{
  return g_hash_table_lookup (reg->devices, id);
}

/* Finds a device by id, host name (with or without ".local"), display name or
 * address. */
IotDevice *
iot_registry_lookup (IotRegistry *reg, const char *what)
{
  if (what == NULL || *what == '\0')
    return NULL;
  IotDevice *exact = iot_registry_get_device (reg, what);
  if (exact != NULL)
    return exact;
  g_autoptr (GPtrArray) all = iot_registry_dup_devices (reg);
  for (guint i = 0; i < all->len; i++)
    if (device_matches (all->pdata[i], what))
      return all->pdata[i];
  return NULL;
}

/* Service types whose instance names are not meant for people. */
static gboolean
type_has_opaque_names (const char *type)
{
  return g_str_equal (type, "_matterc._udp") || g_str_equal (type, "_matter._tcp");
}

/* Returns: (transfer full): a sanitized name for people: the first friendly
 * instance name, a TXT-provided name, or the host name. */
char *
iot_device_dup_display_name (const IotDevice *d)
{
  static const char *const name_keys[] = { "DN", "friendly_name", "fn", "ty", NULL };

  for (guint i = 0; i < d->services->len; i++)
    {
      IotService *s = d->services->pdata[i];
      if (!type_has_opaque_names (s->type))
        return iot_sanitize_text (s->name, -1, 128);
    }
  for (guint i = 0; i < d->services->len; i++)
    for (guint k = 0; name_keys[k]; k++)
      {
        IotService *s = d->services->pdata[i];
        char *v = iot_txt_dup_value (s->txt, name_keys[k]);
        if (v != NULL && *v != '\0')
          return v;
        g_free (v);
      }
  if (d->host != NULL)
    return iot_device_dup_host (d);
  if (d->services->len > 0)
    return iot_sanitize_text (((IotService *) d->services->pdata[0])->name, -1, 128);
  /* A device being removed has no service left: its id names it. */
  const char *id = g_str_has_prefix (d->id, "name:") ? d->id + strlen ("name:") : d->id;
  return iot_sanitize_text (id, -1, 128);
}

/* Returns: (transfer full): the sanitized host name without ".local", or "". */
char *
iot_device_dup_host (const IotDevice *d)
{
  if (d->host == NULL)
    return g_strdup ("");
  g_autofree char *host = iot_sanitize_text (d->host, -1, 256);
  if (g_str_has_suffix (host, ".local"))
    host[strlen (host) - strlen (".local")] = '\0';
  return g_steal_pointer (&host);
}

typedef struct
{
  const char *type;
  const char *id;
  const char *label;
} KindRule;

/* Until device profiles identify a device, its service types give a fair
 * guess of what it is. Earlier rules win. */
static const KindRule kind_rules[] = {
  { "_shelly._tcp", "shelly", N_("Shelly device") },
  { "_hap._tcp", "homekit", N_("HomeKit accessory") },
  { "_matterc._udp", "matter-setup", N_("Matter device (setup mode)") },
  { "_matter._tcp", "matter", N_("Matter device") },
  { "_esphomelib._tcp", "esphome", N_("ESPHome device") },
  { "_ipp._tcp", "printer", N_("Printer") },
  { "_ipps._tcp", "printer", N_("Printer") },
  { "_printer._tcp", "printer", N_("Printer") },
  { "_pdl-datastream._tcp", "printer", N_("Printer") },
  { "_rtsp._tcp", "camera", N_("Camera") },
  { "_mqtt._tcp", "mqtt", N_("MQTT broker") },
  { "_googlecast._tcp", "media", N_("Media player") },
  { "_airplay._tcp", "media", N_("Media player") },
  { "_raop._tcp", "media", N_("Media player") },
  { "_ssh._tcp", "computer", N_("Computer (SSH)") },
  { "_http._tcp", "web", N_("Web-managed device") },
  { "_https._tcp", "web", N_("Web-managed device") },
};

/**
 * iot_device_get_kind:
 * @label: (out) (optional): untranslated label; pass it through _()
 *
 * Returns: a stable kind id for scripts.
 */
const char *
iot_device_get_kind (const IotDevice *d, const char **label)
{
  for (guint k = 0; k < G_N_ELEMENTS (kind_rules); k++)
    for (guint i = 0; i < d->services->len; i++)
      {
        IotService *s = d->services->pdata[i];
        if (g_str_equal (s->type, kind_rules[k].type))
          {
            if (label)
              *label = kind_rules[k].label;
            return kind_rules[k].id;
          }
      }
  if (label)
    *label = N_("Device");
  return "unknown";
}

gboolean
iot_device_is_reachable (const IotDevice *d)
{
  for (guint i = 0; i < d->services->len; i++)
    {
      IotService *s = d->services->pdata[i];
      for (guint j = 0; j < s->records->len; j++)
        if (((IotRecord *) s->records->pdata[j])->state == IOT_RECORD_RESOLVED)
          return TRUE;
    }
  return FALSE;
}

static int
address_compare (gconstpointer a, gconstpointer b)
{
  const IotAddress *x = *(const IotAddress *const *) a;
  const IotAddress *y = *(const IotAddress *const *) b;
  if (x->family != y->family)
    return x->family - y->family; /* IPv4 first */
  int c = strcmp (x->address, y->address);
  return c != 0 ? c : x->ifindex - y->ifindex;
}

/* Returns: (transfer container): distinct addresses of resolved records. */
GPtrArray *
iot_device_dup_addresses (const IotDevice *d)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < d->services->len; i++)
    {
      IotService *s = d->services->pdata[i];
      for (guint j = 0; j < s->records->len; j++)
        {
          IotRecord *r = s->records->pdata[j];
          if (r->state != IOT_RECORD_RESOLVED)
            continue;
          gboolean dup = FALSE;
          for (guint k = 0; k < out->len && !dup; k++)
            dup = address_compare (&out->pdata[k], &(IotAddress *){ &r->address }) == 0;
          if (!dup)
            g_ptr_array_add (out, &r->address);
        }
    }
  g_ptr_array_sort (out, address_compare);
  return out;
}

/* Returns: (transfer full): "198.51.100.7" or "fe80::1%lab0". */
char *
iot_address_to_string (const IotAddress *a)
{
  if (a->family == IOT_FAMILY_IPV6 && g_str_has_prefix (a->address, "fe80:") && a->ifname[0])
    return g_strdup_printf ("%s%%%s", a->address, a->ifname);
  return g_strdup (a->address);
}

const char *
iot_family_to_string (IotFamily family)
{
  return family == IOT_FAMILY_IPV6 ? "ipv6" : "ipv4";
}
