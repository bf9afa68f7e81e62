/* SPDX-License-Identifier: GPL-3.0-or-later
 * Avahi discovery. Ownership follows avahi-browse: the client owns one browser
 * per service type; every browse result owns one resolver, kept running so
 * TXT and address changes arrive, and dropped when the instance goes away.
 * A resolve that does not answer within resolve_timeout marks the record
 * failed (unreachable) without waiting for Avahi's own timeout. With
 * AVAHI_CLIENT_NO_FAIL the client waits for a missing daemon; when the
 * daemon disconnects, everything known is marked stale, a new client waits
 * for the daemon, and records not confirmed after the next "all for now" are
 * dropped, so a restart loses nothing that is still there.
 */
#include "config.h"

#include "iot-discovery.h"

#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-common/error.h>
#include <avahi-glib/glib-watch.h>
#include <glib/gi18n.h>
#include <net/if.h>

#define RECONNECT_DELAY_S 2
/* Bounds on what a hostile network can make us track. */
#define MAX_RECORDS 4096
#define MAX_BROWSERS 256

/* Why discovery is not running. Kept as a reason rather than a sentence, and
 * put into words only when asked for, so the message follows a change of
 * language (iot-language.c) on the next redraw. */
typedef enum
{
  PROBLEM_NONE,
  PROBLEM_NO_DAEMON,
  PROBLEM_DAEMON_STOPPED,
  PROBLEM_FAILED,
  PROBLEM_NO_BUS,
} Problem;

typedef struct
{
  IotDiscovery *discovery;
  char *type;
  AvahiServiceBrowser *browser;
  gboolean all_for_now;
} Browser;

typedef struct
{
  IotDiscovery *discovery;
  AvahiServiceResolver *resolver;
  guint timeout_source;
  gboolean answered;
  int ifindex;
  char ifname[IF_NAMESIZE];
  AvahiProtocol protocol;
  char *name, *type, *domain;
} Resolver;

struct _IotDiscovery
{
  IotRegistry *registry;
  char **types;
  gboolean all_types;
  guint resolve_timeout_ms;
  IotDiscoveryCallbacks callbacks;
  gpointer user_data;

  AvahiGLibPoll *poll;
  AvahiClient *client;
  AvahiServiceTypeBrowser *type_browser;
  gboolean type_browser_all_for_now;
  GPtrArray *browsers;    /* Browser* */
  GHashTable *resolvers;  /* record key → Resolver* */
  IotDiscoveryState state;
  Problem problem;
  char *problem_detail; /* Avahi's own (untranslated) error text */
  char *error;          /* the problem in words, as last handed out */
  gboolean complete;
  gboolean recovering; /* reconnected after the daemon went away */
  guint reconnect_source;
};

static void discovery_connect (IotDiscovery *d);

static IotFamily
family_from_avahi (AvahiProtocol p)
{
  return p == AVAHI_PROTO_INET6 ? IOT_FAMILY_IPV6 : IOT_FAMILY_IPV4;
}

static char *
resolver_map_key (int ifindex, AvahiProtocol proto, const char *name, const char *type,
                  const char *domain)
{
  return g_strdup_printf ("%d\x1f%d\x1f%s\x1f%s\x1f%s", ifindex, proto, name, type, domain);
}

static IotRecordKey
resolver_record_key (const Resolver *r)
{
  return (IotRecordKey){ .ifindex = r->ifindex,
                         .ifname = r->ifname,
                         .protocol = family_from_avahi (r->protocol),
                         .name = r->name,
                         .type = r->type,
                         .domain = r->domain };
}

static void
resolver_free (gpointer p)
{
  Resolver *r = p;
  g_clear_handle_id (&r->timeout_source, g_source_remove);
  g_clear_pointer (&r->resolver, avahi_service_resolver_free);
  g_free (r->name);
  g_free (r->type);
  g_free (r->domain);
  g_free (r);
}

static void
browser_free (gpointer p)
{
  Browser *b = p;
  g_clear_pointer (&b->browser, avahi_service_browser_free);
  g_free (b->type);
  g_free (b);
}

static void
set_state (IotDiscovery *d, IotDiscoveryState state, Problem problem, const char *detail)
{
  d->problem = problem;
  g_free (d->problem_detail);
  d->problem_detail = g_strdup (detail);
  if (d->state == state)
    return;
  d->state = state;
  if (d->callbacks.state_changed)
    d->callbacks.state_changed (d, state, d->user_data);
}

/* Complete when every browser said "all for now" and no resolve is pending. */
static void
check_complete (IotDiscovery *d)
{
  if (d->complete || d->state != IOT_DISCOVERY_RUNNING)
    return;
  if (d->all_types && !d->type_browser_all_for_now)
    return;
  for (guint i = 0; i < d->browsers->len; i++)
    if (!((Browser *) d->browsers->pdata[i])->all_for_now)
      return;
  if (iot_registry_get_n_pending (d->registry) > 0)
    return;
  d->complete = TRUE;
  if (d->recovering)
    {
      /* The daemon came back and has told us all it knows: forget what it
       * did not report again. */
      d->recovering = FALSE;
      iot_registry_sweep_stale (d->registry);
    }
  if (d->callbacks.scan_complete)
    d->callbacks.scan_complete (d, d->user_data);
}

static gboolean
resolve_timeout_cb (gpointer data)
{
  Resolver *r = data;
  r->timeout_source = 0;
  if (!r->answered)
    {
      IotRecordKey key = resolver_record_key (r);
      iot_registry_record_failed (r->discovery->registry, &key,
                                  _("the device did not answer the resolve request"));
      check_complete (r->discovery);
    }
  return G_SOURCE_REMOVE;
}

static IotTxt *
txt_from_avahi (AvahiStringList *list)
{
  IotTxt *txt = iot_txt_new ();
  /* The client hands the items over in wire order (avahi-browse prints them
   * reversed); RFC 6763 says the first of a key wins. */
  for (AvahiStringList *l = list; l != NULL; l = avahi_string_list_get_next (l))
    iot_txt_add_item (txt, avahi_string_list_get_text (l), avahi_string_list_get_size (l));
  return txt;
}

static void
resolve_cb (AvahiServiceResolver *ar, AvahiIfIndex ifindex, AvahiProtocol protocol,
            AvahiResolverEvent event, const char *name, const char *type, const char *domain,
            const char *host, const AvahiAddress *a, uint16_t port, AvahiStringList *txt,
            AvahiLookupResultFlags flags, void *userdata)
{
  Resolver *r = userdata;
  IotDiscovery *d = r->discovery;
  IotRecordKey key = resolver_record_key (r);

  if (event == AVAHI_RESOLVER_FOUND && a != NULL && host != NULL)
    {
      IotAddress addr = { .family = a->proto == AVAHI_PROTO_INET6 ? IOT_FAMILY_IPV6
                                                                  : IOT_FAMILY_IPV4,
                          .ifindex = r->ifindex };
      avahi_address_snprint (addr.address, sizeof addr.address, a);
      g_strlcpy (addr.ifname, r->ifname, sizeof addr.ifname);
      r->answered = TRUE;
      g_clear_handle_id (&r->timeout_source, g_source_remove);
      iot_registry_record_resolved (d->registry, &key, host, &addr, port, txt_from_avahi (txt));
    }
  else
    {
      const char *why = avahi_strerror (avahi_client_errno (d->client));
      iot_registry_record_failed (d->registry, &key, why);
      /* A failed Avahi resolver never reports again; drop it. */
      g_clear_handle_id (&r->timeout_source, g_source_remove);
      g_clear_pointer (&r->resolver, avahi_service_resolver_free);
    }
  check_complete (d);
}

static void
add_resolver (IotDiscovery *d, AvahiIfIndex ifindex, AvahiProtocol protocol, const char *name,
              const char *type, const char *domain)
{
  char *map_key = resolver_map_key (ifindex, protocol, name, type, domain);
  if (g_hash_table_contains (d->resolvers, map_key) ||
      g_hash_table_size (d->resolvers) >= MAX_RECORDS)
    {
      g_free (map_key);
      return;
    }
  Resolver *r = g_new0 (Resolver, 1);
  r->discovery = d;
  r->ifindex = ifindex;
  if (if_indextoname (ifindex, r->ifname) == NULL)
    g_snprintf (r->ifname, sizeof r->ifname, "%d", ifindex);
  r->protocol = protocol;
  r->name = g_strdup (name);
  r->type = g_strdup (type);
  r->domain = g_strdup (domain);
  g_hash_table_insert (d->resolvers, map_key, r);

  IotRecordKey key = resolver_record_key (r);
  iot_registry_record_found (d->registry, &key);

  /* Ask for the address of the protocol the instance was seen on, as
   * avahi-browse shows it: IPv4 records give IPv4, IPv6 records IPv6. */
  r->resolver = avahi_service_resolver_new (d->client, ifindex, protocol, name, type, domain,
                                            protocol, 0, resolve_cb, r);
  if (r->resolver == NULL)
    {
      iot_registry_record_failed (d->registry, &key,
                                  avahi_strerror (avahi_client_errno (d->client)));
      return;
    }
  r->timeout_source = g_timeout_add (d->resolve_timeout_ms, resolve_timeout_cb, r);
}

static void
browse_cb (AvahiServiceBrowser *ab, AvahiIfIndex ifindex, AvahiProtocol protocol,
           AvahiBrowserEvent event, const char *name, const char *type, const char *domain,
           AvahiLookupResultFlags flags, void *userdata)
{
  Browser *b = userdata;
  IotDiscovery *d = b->discovery;

  switch (event)
    {
    case AVAHI_BROWSER_NEW:
      add_resolver (d, ifindex, protocol, name, type, domain);
      break;
    case AVAHI_BROWSER_REMOVE:
      {
        g_autofree char *map_key = resolver_map_key (ifindex, protocol, name, type, domain);
        char ifname[IF_NAMESIZE] = "";
        if (if_indextoname (ifindex, ifname) == NULL)
          g_snprintf (ifname, sizeof ifname, "%d", ifindex);
        IotRecordKey key = { ifindex, ifname, family_from_avahi (protocol), name, type, domain };
        g_hash_table_remove (d->resolvers, map_key);
        iot_registry_record_removed (d->registry, &key);
        break;
      }
    case AVAHI_BROWSER_ALL_FOR_NOW:
      b->all_for_now = TRUE;
      break;
    case AVAHI_BROWSER_CACHE_EXHAUSTED:
      break;
    case AVAHI_BROWSER_FAILURE:
      g_warning ("Browsing %s failed: %s", b->type,
                 avahi_strerror (avahi_client_errno (d->client)));
      b->all_for_now = TRUE; /* do not hold up completion for a dead browser */
      break;
    }
  check_complete (d);
}

static void
add_browser (IotDiscovery *d, const char *type)
{
  for (guint i = 0; i < d->browsers->len; i++)
    if (g_str_equal (((Browser *) d->browsers->pdata[i])->type, type))
      return;
  Browser *b = g_new0 (Browser, 1);
  b->discovery = d;
  b->type = g_strdup (type);
  g_ptr_array_add (d->browsers, b);
  b->browser = avahi_service_browser_new (d->client, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, type,
                                          NULL, 0, browse_cb, b);
  if (b->browser == NULL)
    {
      g_warning ("Cannot browse %s: %s", type, avahi_strerror (avahi_client_errno (d->client)));
      b->all_for_now = TRUE;
    }
}

static void
type_browse_cb (AvahiServiceTypeBrowser *tb, AvahiIfIndex ifindex, AvahiProtocol protocol,
                AvahiBrowserEvent event, const char *type, const char *domain,
                AvahiLookupResultFlags flags, void *userdata)
{
  IotDiscovery *d = userdata;
  if (event == AVAHI_BROWSER_NEW)
    {
      /* A hostile network can announce thousands of types: bound it. */
      if (d->browsers->len < MAX_BROWSERS)
        add_browser (d, type);
    }
  else if (event == AVAHI_BROWSER_ALL_FOR_NOW || event == AVAHI_BROWSER_FAILURE)
    d->type_browser_all_for_now = TRUE;
  check_complete (d);
}

static void
start_browsing (IotDiscovery *d)
{
  d->complete = FALSE;
  for (char **t = d->types; *t; t++)
    add_browser (d, *t);
  if (d->all_types)
    {
      d->type_browser_all_for_now = FALSE;
      d->type_browser = avahi_service_type_browser_new (d->client, AVAHI_IF_UNSPEC,
                                                        AVAHI_PROTO_UNSPEC, NULL, 0,
                                                        type_browse_cb, d);
      if (d->type_browser == NULL)
        d->type_browser_all_for_now = TRUE;
    }
}

/* Frees browsers and resolvers before the client that created them. */
static void
drop_client (IotDiscovery *d)
{
  g_hash_table_remove_all (d->resolvers);
  g_ptr_array_set_size (d->browsers, 0);
  g_clear_pointer (&d->type_browser, avahi_service_type_browser_free);
  g_clear_pointer (&d->client, avahi_client_free);
}

static gboolean
reconnect_cb (gpointer data)
{
  IotDiscovery *d = data;
  d->reconnect_source = 0;
  drop_client (d);
  discovery_connect (d);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (IotDiscovery *d, guint delay_s)
{
  if (d->reconnect_source == 0)
    d->reconnect_source = delay_s == 0 ? g_idle_add (reconnect_cb, d)
                                       : g_timeout_add_seconds (delay_s, reconnect_cb, d);
}

static void
client_cb (AvahiClient *c, AvahiClientState state, void *userdata)
{
  IotDiscovery *d = userdata;
  /* The first callback can come from inside avahi_client_new(). */
  d->client = c;

  switch (state)
    {
    case AVAHI_CLIENT_S_RUNNING:
    case AVAHI_CLIENT_S_REGISTERING:
    case AVAHI_CLIENT_S_COLLISION:
      if (d->state != IOT_DISCOVERY_RUNNING)
        {
          set_state (d, IOT_DISCOVERY_RUNNING, PROBLEM_NONE, NULL);
          start_browsing (d);
        }
      break;
    case AVAHI_CLIENT_CONNECTING:
      set_state (d, IOT_DISCOVERY_NO_DAEMON, PROBLEM_NO_DAEMON, NULL);
      break;
    case AVAHI_CLIENT_FAILURE:
      if (avahi_client_errno (c) == AVAHI_ERR_DISCONNECTED)
        {
          /* Keep what we know, but have it confirmed by the new daemon. */
          iot_registry_mark_stale (d->registry);
          d->recovering = TRUE;
          set_state (d, IOT_DISCOVERY_NO_DAEMON, PROBLEM_DAEMON_STOPPED, NULL);
          /* Do not free the client from inside its own callback. */
          schedule_reconnect (d, 0);
        }
      else
        {
          set_state (d, IOT_DISCOVERY_FAILED, PROBLEM_FAILED,
                     avahi_strerror (avahi_client_errno (c)));
          schedule_reconnect (d, RECONNECT_DELAY_S);
        }
      break;
    }
}

static void
discovery_connect (IotDiscovery *d)
{
  int err = 0;
  AvahiClient *c = avahi_client_new (avahi_glib_poll_get (d->poll), AVAHI_CLIENT_NO_FAIL,
                                     client_cb, d, &err);
  if (c == NULL)
    {
      /* Typically no D-Bus system bus at all. Try again later. */
      d->client = NULL;
      set_state (d, IOT_DISCOVERY_FAILED, PROBLEM_NO_BUS, avahi_strerror (err));
      schedule_reconnect (d, RECONNECT_DELAY_S);
      return;
    }
  d->client = c;
  /* avahi_client_new() does not always report CONNECTING through the
   * callback; a client still connecting means there is no daemon. */
  if (avahi_client_get_state (c) == AVAHI_CLIENT_CONNECTING)
    client_cb (c, AVAHI_CLIENT_CONNECTING, d);
}

IotDiscovery *
iot_discovery_new (IotRegistry *registry, const IotConfig *config,
                   const IotDiscoveryCallbacks *callbacks, gpointer user_data)
{
  g_return_val_if_fail (registry != NULL && config != NULL, NULL);
  IotDiscovery *d = g_new0 (IotDiscovery, 1);
  d->registry = registry;
  d->types = g_strdupv (config->service_types);
  d->all_types = config->browse_all_types;
  d->resolve_timeout_ms = (guint) (config->resolve_timeout * 1000);
  if (callbacks)
    d->callbacks = *callbacks;
  d->user_data = user_data;
  d->browsers = g_ptr_array_new_with_free_func (browser_free);
  d->resolvers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, resolver_free);
  d->state = IOT_DISCOVERY_CONNECTING;
  d->poll = avahi_glib_poll_new (NULL, G_PRIORITY_DEFAULT);
  return d;
}

void
iot_discovery_start (IotDiscovery *d)
{
  g_return_if_fail (d->client == NULL);
  discovery_connect (d);
}

void
iot_discovery_free (IotDiscovery *d)
{
  if (d == NULL)
    return;
  g_clear_handle_id (&d->reconnect_source, g_source_remove);
  drop_client (d);
  g_hash_table_unref (d->resolvers);
  g_ptr_array_unref (d->browsers);
  avahi_glib_poll_free (d->poll);
  g_strfreev (d->types);
  g_free (d->problem_detail);
  g_free (d->error);
  g_free (d);
}

IotDiscoveryState
iot_discovery_get_state (IotDiscovery *d)
{
  return d->state;
}

static char *
problem_text (Problem problem, const char *detail)
{
  switch (problem)
    {
    case PROBLEM_NONE:
      return NULL;
    case PROBLEM_NO_DAEMON:
      return g_strdup (_("The Avahi daemon is not running, so devices cannot be found. "
                         "Start it with: sudo systemctl start avahi-daemon"));
    case PROBLEM_DAEMON_STOPPED:
      return g_strdup (_("The Avahi daemon stopped. Waiting for it to come back…"));
    case PROBLEM_FAILED:
      return g_strdup_printf (_("Device discovery failed: %s"), detail);
    case PROBLEM_NO_BUS:
      return g_strdup_printf (_("Cannot reach the Avahi daemon (%s). Is D-Bus running? "
                                "Start it with: sudo systemctl start dbus avahi-daemon"),
                              detail);
    }
  g_return_val_if_reached (NULL);
}

/* Returns: (nullable): a translated explanation of the current state, in the
 * language in use now; valid until the state or the language changes. */
const char *
iot_discovery_get_error (IotDiscovery *d)
{
  g_autofree char *text = problem_text (d->problem, d->problem_detail);
  if (g_strcmp0 (text, d->error) != 0)
    {
      g_free (d->error);
      d->error = g_steal_pointer (&text);
    }
  return d->error;
}

gboolean
iot_discovery_is_complete (IotDiscovery *d)
{
  return d->complete;
}
