/* SPDX-License-Identifier: GPL-3.0-or-later
 * The network this machine is on, through NetworkManager (libnm on the GLib
 * main loop): whether NetworkManager runs at all, the primary connection,
 * its device, type and addresses, and for Wi-Fi the network's name, band,
 * signal and security, judged against guideline 5 ("Communicate securely").
 * Also the visible access points, with added/removed notifications, for
 * finding setup hotspots. The model is a snapshot rebuilt on every change;
 * listeners are told after each rebuild.
 */
#pragma once

#include <gio/gio.h>
#include <glib.h>
#include <json-glib/json-glib.h>

typedef enum
{
  IOT_NETWORK_STARTING, /* connecting to the bus, or waiting for NetworkManager's answer */
  IOT_NETWORK_RUNNING,  /* NetworkManager is there; the snapshot is current */
  IOT_NETWORK_NO_NM,    /* no NetworkManager (or no system bus); retried on its own */
} IotNetworkState;

typedef enum
{
  IOT_LINK_NONE,
  IOT_LINK_WIRED,
  IOT_LINK_WIFI,
  IOT_LINK_OTHER,
} IotLinkType;

typedef enum
{
  IOT_WIFI_SEC_UNKNOWN,
  IOT_WIFI_SEC_OPEN,
  IOT_WIFI_SEC_OWE,        /* "Enhanced Open": encrypted, anyone may join */
  IOT_WIFI_SEC_WEP,
  IOT_WIFI_SEC_WPA1,       /* the original WPA, without WPA2 (RSN) */
  IOT_WIFI_SEC_WPA2_PSK,
  IOT_WIFI_SEC_WPA3_SAE,
  IOT_WIFI_SEC_WPA2_WPA3,  /* transition mode: PSK and SAE */
  IOT_WIFI_SEC_ENTERPRISE, /* 802.1X */
} IotWifiSecurity;

typedef enum
{
  IOT_WIFI_BAND_UNKNOWN,
  IOT_WIFI_BAND_2_4,
  IOT_WIFI_BAND_5,
  IOT_WIFI_BAND_6,
} IotWifiBand;

/* One access point as NetworkManager last reported it. */
typedef struct
{
  char *id;    /* NetworkManager's object path: stable while the AP is seen */
  char *ssid;  /* sanitized for display; "" for a hidden network */
  GBytes *ssid_raw; /* the SSID's bytes as broadcast, for matching */
  char *bssid;
  guint frequency; /* MHz */
  IotWifiBand band;
  guint strength; /* 0-100 */
  IotWifiSecurity security;
  gboolean tkip_only; /* no pairwise cipher better than TKIP */
  gboolean active;    /* the access point of the current connection */
} IotAccessPoint;

typedef enum
{
  IOT_FINDING_FAIL,
  IOT_FINDING_WARN,
} IotFindingResult;

/* Something about the network a person should fix, with the guideline it
 * serves. Texts are translated. */
typedef struct
{
  const char *id; /* stable: "wifi-open", "wifi-wep", "wifi-wpa1", "wifi-tkip" */
  guint guideline;
  const char *etsi; /* ETSI EN 303 645 clause */
  IotFindingResult result;
  char *message;
  char *advice;
} IotFinding;

/* What the machine is connected through. */
typedef struct
{
  gboolean connected;
  IotLinkType type;
  gboolean primary;   /* NetworkManager's primary (default route) connection */
  char *id;           /* the connection's name, sanitized */
  char *nm_type;      /* e.g. "802-3-ethernet" */
  char *interface;
  GPtrArray *ipv4;    /* char*: "198.18.0.1/24" */
  GPtrArray *ipv6;
  IotAccessPoint *ap; /* Wi-Fi only, NULL when unknown */
  GPtrArray *findings; /* IotFinding* */
} IotNetworkInfo;

typedef struct _IotNetwork IotNetwork;

typedef struct
{
  /* After every rebuild (state, connection, addresses, signal, APs). */
  void (*changed) (IotNetwork *network, gpointer user_data);
  /* The hooks for hotspot matching: an access point came into or went out
   * of view. @ap is only valid during the call. */
  void (*ap_added) (IotNetwork *network, const IotAccessPoint *ap, gpointer user_data);
  void (*ap_removed) (IotNetwork *network, const IotAccessPoint *ap, gpointer user_data);
} IotNetworkListener;

IotNetwork *iot_network_new (void);
void iot_network_free (IotNetwork *network);
void iot_network_start (IotNetwork *network);
guint iot_network_add_listener (IotNetwork *network, const IotNetworkListener *listener,
                                gpointer user_data);
void iot_network_remove_listener (IotNetwork *network, guint id);

IotNetworkState iot_network_get_state (IotNetwork *network);
const char *iot_network_get_error (IotNetwork *network);
const char *iot_network_get_nm_version (IotNetwork *network);
const IotNetworkInfo *iot_network_get_info (IotNetwork *network);
GPtrArray *iot_network_dup_access_points (IotNetwork *network);
void iot_network_request_scan (IotNetwork *network);

/* The current Wi-Fi network as the text of a join QR code (see
 * iot_wifi_qr_text()), its password read from NetworkManager's saved
 * connection only now. Free the result with iot_str_wipe_free(). */
void iot_network_wifi_qr_async (IotNetwork *network, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
char *iot_network_wifi_qr_finish (IotNetwork *network, GAsyncResult *result, GError **error);

/* Joining a setup hotspot and coming back to the previous network. */
void iot_network_join_async (IotNetwork *network, const char *ap_id, const char *password,
                             guint timeout_s, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
gboolean iot_network_join_finish (IotNetwork *network, GAsyncResult *result, GError **error);
void iot_network_leave_async (IotNetwork *network, GAsyncReadyCallback callback,
                              gpointer user_data);
gboolean iot_network_leave_finish (IotNetwork *network, GAsyncResult *result, GError **error);
gboolean iot_network_is_away (IotNetwork *network);
gboolean iot_network_return_was_retried (IotNetwork *network);
char *iot_network_dup_join_gateway (IotNetwork *network);

char *iot_network_dup_summary (IotNetwork *network);
gboolean iot_network_has_finding (IotNetwork *network);
JsonNode *iot_network_to_json (IotNetwork *network);
void iot_finding_to_json (const IotFinding *finding, JsonBuilder *builder);

/* The parts that need no NetworkManager (unit-tested on their own). */
IotWifiSecurity iot_wifi_classify (guint32 flags, guint32 wpa_flags, guint32 rsn_flags,
                                   gboolean *tkip_only);
IotWifiBand iot_wifi_band_from_frequency (guint mhz);
const char *iot_wifi_security_to_string (IotWifiSecurity security);
const char *iot_wifi_security_label (IotWifiSecurity security);
const char *iot_wifi_band_label (IotWifiBand band);
GPtrArray *iot_network_findings_for_wifi (const IotAccessPoint *ap);

IotAccessPoint *iot_access_point_copy (const IotAccessPoint *ap);
void iot_access_point_free (IotAccessPoint *ap);
void iot_finding_free (IotFinding *finding);

#define IOT_NETWORK_SCHEMA "iotsetup.network/1"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotNetwork, iot_network_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotAccessPoint, iot_access_point_free)
