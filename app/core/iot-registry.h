/* SPDX-License-Identifier: GPL-3.0-or-later
 * The device registry: the one model of what is on the network. Discovery
 * feeds it browse/resolve events per service record; it groups records into
 * services (name, type, domain) and services into devices by host name, and
 * tells listeners what changed. The UI and the CLI only read it.
 */
#pragma once

#include <glib.h>

#include "iot-txt.h"

typedef enum
{
  IOT_FAMILY_IPV4 = 4,
  IOT_FAMILY_IPV6 = 6,
} IotFamily;

#define IOT_ADDRESS_MAX 64
#define IOT_IFNAME_MAX 16

typedef struct
{
  IotFamily family;
  char address[IOT_ADDRESS_MAX]; /* numeric, without scope */
  int ifindex;
  char ifname[IOT_IFNAME_MAX];
} IotAddress;

/* Identifies one browse result: a service instance seen over one
 * interface and protocol, as Avahi reports them. */
typedef struct
{
  int ifindex;
  const char *ifname;
  IotFamily protocol;
  const char *name;
  const char *type;
  const char *domain;
} IotRecordKey;

typedef enum
{
  IOT_RECORD_RESOLVING,
  IOT_RECORD_RESOLVED,
  IOT_RECORD_FAILED,
} IotRecordState;

typedef struct _IotRecord IotRecord;
typedef struct _IotService IotService;
typedef struct _IotDevice IotDevice;
typedef struct _IotRegistry IotRegistry;
typedef struct _IotInventory IotInventory;

struct _IotRecord
{
  int ifindex;
  char *ifname;
  IotFamily protocol;
  char *name, *type, *domain; /* raw, untrusted */
  IotRecordState state;
  char *host; /* raw, untrusted; set once resolved */
  IotAddress address;
  char *error; /* why resolving failed */
  gboolean stale; /* not confirmed since the Avahi daemon came back */
  IotService *service; /* NULL while it has never been resolved */
};

struct _IotService
{
  char *name, *type, *domain; /* raw, untrusted */
  guint16 port;
  IotTxt *txt;
  GPtrArray *records; /* IotRecord*, not owned */
  IotDevice *device;
};

struct _IotDevice
{
  char *id;   /* stable key: lower-case host name, or "name:" + instance */
  char *host; /* raw host name, NULL if never resolved */
  GPtrArray *services; /* IotService*, owned */
  gint64 first_seen, last_seen; /* wall clock, µs */
  gboolean is_new;
};

typedef enum
{
  IOT_REGISTRY_DEVICE_ADDED,
  IOT_REGISTRY_DEVICE_CHANGED,
  IOT_REGISTRY_DEVICE_REMOVED,
} IotRegistryEvent;

/* Listeners may read @device: an ADDED one has its first service already; a
 * REMOVED one has no service left and is freed after the listeners return. */
typedef void (*IotRegistryFunc) (IotRegistry *registry, IotRegistryEvent event,
                                 IotDevice *device, gpointer user_data);

IotRegistry *iot_registry_new (void);
void iot_registry_free (IotRegistry *registry);
void iot_registry_set_inventory (IotRegistry *registry, IotInventory *inventory);

guint iot_registry_add_listener (IotRegistry *registry, IotRegistryFunc func, gpointer user_data);
void iot_registry_remove_listener (IotRegistry *registry, guint id);

void iot_registry_record_found (IotRegistry *registry, const IotRecordKey *key);
void iot_registry_record_resolved (IotRegistry *registry, const IotRecordKey *key,
                                   const char *host, const IotAddress *address,
                                   guint16 port, IotTxt *txt);
void iot_registry_record_failed (IotRegistry *registry, const IotRecordKey *key,
                                 const char *reason);
void iot_registry_record_removed (IotRegistry *registry, const IotRecordKey *key);
void iot_registry_mark_stale (IotRegistry *registry);
void iot_registry_sweep_stale (IotRegistry *registry);

guint iot_registry_get_n_pending (IotRegistry *registry);
guint iot_registry_get_n_devices (IotRegistry *registry);
GPtrArray *iot_registry_dup_devices (IotRegistry *registry);
IotDevice *iot_registry_get_device (IotRegistry *registry, const char *id);
IotDevice *iot_registry_lookup (IotRegistry *registry, const char *what);

IotDevice *iot_device_snapshot (const IotDevice *device);
void iot_device_free (IotDevice *device);
char *iot_device_dup_display_name (const IotDevice *device);
char *iot_device_dup_host (const IotDevice *device);
const char *iot_device_get_kind (const IotDevice *device, const char **label);
gboolean iot_device_is_reachable (const IotDevice *device);
GPtrArray *iot_device_dup_addresses (const IotDevice *device);
char *iot_address_to_string (const IotAddress *address);
const char *iot_family_to_string (IotFamily family);
